package io.switchboard.provider.gemini;

import io.switchboard.provider.ModelInfo;
import java.util.List;

/** The Gemini models Google currently serves, as {@code GET /v1/models} lists them. */
public final class GeminiModels {
  private static final int MILLION = 1_048_576;

  /** Chat models on both AI Studio and Vertex AI. */
  public static final List<ModelInfo> CHAT = List.of(
      ModelInfo.chat("gemini-3-pro-preview", MILLION, true),
      ModelInfo.chat("gemini-3-flash-preview", MILLION, true),
      ModelInfo.chat("gemini-2.5-pro", MILLION, true),
      ModelInfo.chat("gemini-2.5-flash", MILLION, true),
      ModelInfo.chat("gemini-2.5-flash-lite", MILLION, true),
      ModelInfo.chat("gemini-2.0-flash", MILLION, true),
      ModelInfo.chat("gemini-2.0-flash-lite", MILLION, true));

  /** AI Studio's embedding models (Vertex AI lists its own, served through :predict). */
  public static final List<ModelInfo> EMBEDDINGS = List.of(
      ModelInfo.embedding("gemini-embedding-001", 2048),
      ModelInfo.embedding("text-embedding-004", 2048));

  private GeminiModels() {}
}
