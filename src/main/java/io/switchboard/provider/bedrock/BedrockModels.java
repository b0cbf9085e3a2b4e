package io.switchboard.provider.bedrock;

import io.switchboard.provider.ModelInfo;
import java.util.List;

/** The main Bedrock model ids (base ids; "us."/"eu." inference profiles route the same way) for /v1/models. */
final class BedrockModels {
  static final List<ModelInfo> ALL = List.of(
      ModelInfo.chat("anthropic.claude-sonnet-4-5-20250929-v1:0", 200_000, true),
      ModelInfo.chat("anthropic.claude-haiku-4-5-20251001-v1:0", 200_000, true),
      ModelInfo.chat("anthropic.claude-opus-4-1-20250805-v1:0", 200_000, true),
      ModelInfo.chat("anthropic.claude-sonnet-4-20250514-v1:0", 200_000, true),
      ModelInfo.chat("anthropic.claude-3-7-sonnet-20250219-v1:0", 200_000, true),
      ModelInfo.chat("anthropic.claude-3-5-haiku-20241022-v1:0", 200_000, false),
      ModelInfo.chat("amazon.nova-premier-v1:0", 1_000_000, true),
      ModelInfo.chat("amazon.nova-pro-v1:0", 300_000, true),
      ModelInfo.chat("amazon.nova-lite-v1:0", 300_000, true),
      ModelInfo.chat("amazon.nova-micro-v1:0", 128_000, false),
      ModelInfo.chat("meta.llama4-maverick-17b-instruct-v1:0", 1_000_000, true),
      ModelInfo.chat("meta.llama3-3-70b-instruct-v1:0", 128_000, false),
      ModelInfo.chat("mistral.mistral-large-2407-v1:0", 128_000, false),
      ModelInfo.chat("mistral.pixtral-large-2502-v1:0", 128_000, true),
      ModelInfo.embedding("amazon.titan-embed-text-v2:0", 8_192),
      ModelInfo.embedding("cohere.embed-english-v3", 512),
      ModelInfo.embedding("cohere.embed-multilingual-v3", 512));

  private BedrockModels() {}
}
