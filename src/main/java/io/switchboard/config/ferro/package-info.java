/**
 * Ferro's dialect. Ferro's vocabulary is read where Switchboard's is, by the section readers of
 * {@code io.switchboard.config} (its strategy spelling by the conditional, content-based and ab-test
 * readers), because both spellings share the same keys and the same records. A Ferro setting that must be
 * rewritten as a tree before validation, as a LiteLLM config is in {@code config.litellm}, belongs here.
 */
package io.switchboard.config.ferro;
