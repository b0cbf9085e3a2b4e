package io.switchboard.config;

import java.util.List;

/**
 * The settings only one provider kind reads (Bedrock's region and AWS credentials, Vertex AI's project,
 * Azure's API version), parsed and checked at load time by that kind's own reader in
 * {@link io.switchboard.provider.ProviderRegistry}. Credentials inside are {@link Secret}s.
 */
public interface ProviderOptions {
  /** For kinds that read nothing beyond the common fields. */
  ProviderOptions NONE = new None();

  /** The credentials among the options, masked should an upstream ever quote one back. */
  default List<Secret> secrets() {
    return List.of();
  }

  record None() implements ProviderOptions {}
}
