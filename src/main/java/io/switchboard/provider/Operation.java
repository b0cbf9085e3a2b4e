package io.switchboard.provider;

import io.vertx.core.Future;
import java.util.function.BiFunction;

/** The OpenAI operations the gateway routes, each tied to the capability a provider needs for it. */
public enum Operation {
  CHAT("chat.completions", "messages", ChatProvider.class, (p, r) -> ((ChatProvider) p).chat(r)),
  COMPLETIONS("completions", "prompt", CompletionProvider.class, (p, r) -> ((CompletionProvider) p).completions(r)),
  EMBEDDINGS("embeddings", "input", EmbeddingProvider.class, (p, r) -> ((EmbeddingProvider) p).embeddings(r));

  private final String label;
  private final String requiredField;
  private final Class<? extends Provider> capability;
  private final BiFunction<Provider, UpstreamRequest, Future<UpstreamResponse>> invoker;

  Operation(String label, String requiredField, Class<? extends Provider> capability,
      BiFunction<Provider, UpstreamRequest, Future<UpstreamResponse>> invoker) {
    this.label = label;
    this.requiredField = requiredField;
    this.capability = capability;
    this.invoker = invoker;
  }

  public String label() {
    return label;
  }

  /** The request field besides {@code model} that the operation cannot do without. */
  public String requiredField() {
    return requiredField;
  }

  public boolean supportedBy(Provider p) {
    return capability.isInstance(p);
  }

  /** Calls the provider; only for a provider that {@link #supportedBy supports} this operation. */
  public Future<UpstreamResponse> call(Provider p, UpstreamRequest r) {
    return invoker.apply(p, r);
  }
}
