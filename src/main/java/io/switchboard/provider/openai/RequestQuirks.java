package io.switchboard.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.config.Preset;
import io.switchboard.provider.ParameterSupport;
import io.switchboard.provider.UnsupportedParams;
import io.switchboard.provider.UpstreamRequest;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * A preset's departures from the OpenAI API applied to one request body: parameters the provider does not take
 * go through {@code compatibility.on_unsupported_param}, parameters it knows by another name are renamed, and
 * {@code stream_options} is taken out where the server refuses it. When nothing changes, the client's bytes go
 * upstream untouched; otherwise the body is written anew from a copy (the tree is shared by failover attempts).
 */
record RequestQuirks(Preset.Quirks quirks) {
  private static final String STREAM_OPTIONS = "stream_options";

  /** The quirks of a provider's preset; none for a provider without one. */
  static RequestQuirks of(Preset preset) {
    return new RequestQuirks(preset == null ? Preset.Quirks.NONE : preset.quirks());
  }

  /** The bytes to send; throws the 400 of the {@code reject} policy. */
  Buffer apply(UpstreamRequest request, UnsupportedParams params) {
    ObjectNode body = request.body();
    if (quirks.none() || !touches(body)) {
      return request.passthroughBytes();
    }
    ObjectNode copy = body.deepCopy();
    copy.put("model", request.model());
    for (String param : quirks.unsupported()) {
      if (copy.has(param)) {
        params.handle(param);
        copy.remove(param);
      }
    }
    for (Map.Entry<String, String> rename : quirks.renamed().entrySet()) {
      JsonNode value = copy.remove(rename.getKey());
      if (value == null) {
        continue;
      }
      if (copy.has(rename.getValue())) {
        // Both spellings given: the provider's own wins, the other is one it does not take.
        params.handle(rename.getKey());
      } else {
        copy.set(rename.getValue(), value);
      }
    }
    if (!quirks.streamUsage() && copy.has(STREAM_OPTIONS)) {
      if (!injectedOnly(request)) {
        params.handle(STREAM_OPTIONS);
      }
      copy.remove(STREAM_OPTIONS);
    }
    return Json.buffer(copy);
  }

  private boolean touches(ObjectNode body) {
    for (String param : quirks.unsupported()) {
      if (body.has(param)) {
        return true;
      }
    }
    for (String param : quirks.renamed().keySet()) {
      if (body.has(param)) {
        return true;
      }
    }
    return !quirks.streamUsage() && body.has(STREAM_OPTIONS);
  }

  /** True when the gateway added {@code stream_options} and the client had sent none of its own. */
  private static boolean injectedOnly(UpstreamRequest request) {
    JsonNode options = request.body().get(STREAM_OPTIONS);
    return request.usageInjected() && options.size() == 1 && options.has("include_usage");
  }

  /** A preset's unsupported parameters, its renamed ones, and the rest forwarded as sent. */
  Map<String, ParameterSupport> parameters() {
    return ParameterSupport.table(p -> quirks.unsupported().contains(p) ? ParameterSupport.UNSUPPORTED
        : quirks.renamed().containsKey(p) ? ParameterSupport.TRANSLATE : ParameterSupport.FORWARD);
  }
}
