package io.switchboard.plugin.guardrails;

/** Built-in PII categories; custom patterns report as {@code CUSTOM}. */
public enum PiiKind {
  EMAIL, PHONE, CREDIT_CARD, IBAN, IP_ADDRESS, US_SSN
}
