package io.switchboard.provider;

import io.vertx.core.Future;
import java.util.Map;

/** A provider that answers OpenAI chat completions, streaming included. */
public interface ChatProvider extends Provider {
  Future<UpstreamResponse> chat(UpstreamRequest request);

  /** How each of {@link ParameterSupport#REPORTED} is carried to this provider; OpenAI's wire carries all. */
  default Map<String, ParameterSupport> parameters() {
    return ParameterSupport.allForward();
  }
}
