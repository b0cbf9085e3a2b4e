package io.switchboard.provider;

import io.vertx.core.Future;

/** The OpenAI operations the gateway routes, each tied to the capability a provider needs for it. */
public enum Operation {
  CHAT("chat.completions", "messages") {
    @Override
    public boolean supportedBy(Provider p) {
      return p instanceof ChatProvider;
    }

    @Override
    public Future<UpstreamResponse> call(Provider p, UpstreamRequest r) {
      return ((ChatProvider) p).chat(r);
    }
  },
  COMPLETIONS("completions", "prompt") {
    @Override
    public boolean supportedBy(Provider p) {
      return p instanceof CompletionProvider;
    }

    @Override
    public Future<UpstreamResponse> call(Provider p, UpstreamRequest r) {
      return ((CompletionProvider) p).completions(r);
    }
  },
  EMBEDDINGS("embeddings", "input") {
    @Override
    public boolean supportedBy(Provider p) {
      return p instanceof EmbeddingProvider;
    }

    @Override
    public Future<UpstreamResponse> call(Provider p, UpstreamRequest r) {
      return ((EmbeddingProvider) p).embeddings(r);
    }
  };

  private final String label;
  private final String requiredField;

  Operation(String label, String requiredField) {
    this.label = label;
    this.requiredField = requiredField;
  }

  public String label() {
    return label;
  }

  /** The request field besides {@code model} that the operation cannot do without. */
  public String requiredField() {
    return requiredField;
  }

  public abstract boolean supportedBy(Provider p);

  public abstract Future<UpstreamResponse> call(Provider p, UpstreamRequest r);
}
