package io.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.api.UnsupportedParamPolicy;
import io.switchboard.config.Preset;
import io.switchboard.config.Presets;
import io.switchboard.provider.Cancellation;
import io.switchboard.provider.UnsupportedParams;
import io.switchboard.provider.UpstreamRequest;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RequestQuirksTest {
  private final List<String> warnings = new ArrayList<>();

  private UnsupportedParams policy(UnsupportedParamPolicy p) {
    return new UnsupportedParams(p, "acme", warnings);
  }

  private static Preset.Quirks quirks(Set<String> unsupported, Map<String, String> renamed, boolean streamUsage) {
    return new Preset.Quirks(unsupported, renamed, streamUsage);
  }

  private static UpstreamRequest request(String json, boolean usageInjected) {
    ObjectNode body = (ObjectNode) Json.parseOrNull(Buffer.buffer(json));
    return new UpstreamRequest(body, Buffer.buffer(json), body.path("model").asText(), false, "r1", null,
        Cancellation.none(), usageInjected);
  }

  private static JsonNode sent(Buffer bytes) {
    return Json.parseOrNull(bytes);
  }

  @Test
  void withNothingToChangeTheClientsBytesPassThroughUntouched() {
    UpstreamRequest r = request("{\"model\":\"m\",  \"messages\":[],\"temperature\":0.2}", false);
    Buffer out = new RequestQuirks(quirks(Set.of("logit_bias"), Map.of("max_completion_tokens", "max_tokens"), false))
        .apply(r, policy(UnsupportedParamPolicy.REJECT));
    assertThat(out).isSameAs(r.originalBytes());
    assertThat(warnings).isEmpty();
  }

  @Test
  void unsupportedParamsAreDroppedWithAWarningByDefault() {
    UpstreamRequest r = request("{\"model\":\"m\",\"logit_bias\":{\"1\":2},\"logprobs\":true,\"top_p\":1}", false);
    Buffer out = new RequestQuirks(quirks(Set.of("logit_bias", "logprobs"), Map.of(), true))
        .apply(r, policy(UnsupportedParamPolicy.WARN));
    assertThat(sent(out)).isEqualTo(Json.parseOrNull(Buffer.buffer("{\"model\":\"m\",\"top_p\":1}")));
    assertThat(warnings).containsExactlyInAnyOrder(
        "Parameter 'logit_bias' is not supported by acme and was dropped.",
        "Parameter 'logprobs' is not supported by acme and was dropped.");
    // The shared tree is left as the client sent it, for the next failover attempt.
    assertThat(r.body().has("logit_bias")).isTrue();
  }

  @Test
  void dropRemovesSilentlyAndRejectAnswers400NamingTheParam() {
    UpstreamRequest r = request("{\"model\":\"m\",\"logit_bias\":{}}", false);
    Buffer out = new RequestQuirks(quirks(Set.of("logit_bias"), Map.of(), true))
        .apply(r, policy(UnsupportedParamPolicy.DROP));
    assertThat(sent(out).has("logit_bias")).isFalse();
    assertThat(warnings).isEmpty();
    assertThatThrownBy(() -> new RequestQuirks(quirks(Set.of("logit_bias"), Map.of(), true))
        .apply(r, policy(UnsupportedParamPolicy.REJECT)))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.param()).isEqualTo("logit_bias");
          assertThat(e.getMessage()).isEqualTo("Parameter 'logit_bias' is not supported by provider acme.");
        });
  }

  @Test
  void renamedParamsTakeTheProvidersNameAndTheModelIsRewritten() {
    ObjectNode body = (ObjectNode) Json.parseOrNull(Buffer.buffer("{\"model\":\"alias\",\"max_completion_tokens\":64}"));
    UpstreamRequest r = new UpstreamRequest(body, Buffer.buffer(body.toString()), "upstream-model", false, "r1");
    Buffer out = new RequestQuirks(quirks(Set.of(), Map.of("max_completion_tokens", "max_tokens"), true))
        .apply(r, policy(UnsupportedParamPolicy.REJECT));
    assertThat(sent(out)).isEqualTo(Json.parseOrNull(Buffer.buffer(
        "{\"model\":\"upstream-model\",\"max_tokens\":64}")));
  }

  @Test
  void whenBothNamesAreGivenTheProvidersOwnWinsAndTheOtherFollowsThePolicy() {
    UpstreamRequest r = request("{\"model\":\"m\",\"max_completion_tokens\":64,\"max_tokens\":32}", false);
    Buffer out = new RequestQuirks(quirks(Set.of(), Map.of("max_completion_tokens", "max_tokens"), true))
        .apply(r, policy(UnsupportedParamPolicy.WARN));
    assertThat(sent(out)).isEqualTo(Json.parseOrNull(Buffer.buffer("{\"model\":\"m\",\"max_tokens\":32}")));
    assertThat(warnings).containsExactly("Parameter 'max_completion_tokens' is not supported by acme and was dropped.");
  }

  @Test
  void streamOptionsTheGatewayAddedAreRemovedSilentlyEvenUnderReject() {
    UpstreamRequest r = request("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}", true);
    Buffer out = new RequestQuirks(quirks(Set.of(), Map.of(), false)).apply(r, policy(UnsupportedParamPolicy.REJECT));
    assertThat(sent(out)).isEqualTo(Json.parseOrNull(Buffer.buffer("{\"model\":\"m\",\"stream\":true}")));
    assertThat(warnings).isEmpty();
  }

  @Test
  void streamOptionsTheClientSentFollowThePolicy() {
    UpstreamRequest r = request("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}", false);
    assertThatThrownBy(() -> new RequestQuirks(quirks(Set.of(), Map.of(), false))
        .apply(r, policy(UnsupportedParamPolicy.REJECT)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("stream_options"));
    Buffer out = new RequestQuirks(quirks(Set.of(), Map.of(), false)).apply(r, policy(UnsupportedParamPolicy.WARN));
    assertThat(sent(out).has("stream_options")).isFalse();
    assertThat(warnings).containsExactly("Parameter 'stream_options' is not supported by acme and was dropped.");
    // A client's own options next to the gateway's include_usage are the client's too.
    warnings.clear();
    UpstreamRequest mixed = request("{\"model\":\"m\",\"stream_options\":{\"include_usage\":true,"
        + "\"include_obfuscation\":false}}", true);
    new RequestQuirks(quirks(Set.of(), Map.of(), false)).apply(mixed, policy(UnsupportedParamPolicy.WARN));
    assertThat(warnings).hasSize(1);
  }

  @Test
  void streamOptionsPassWhereTheServerTakesThem() {
    UpstreamRequest r = request("{\"model\":\"m\",\"stream_options\":{\"include_usage\":true}}", true);
    assertThat(new RequestQuirks(quirks(Set.of("n"), Map.of(), true)).apply(r, policy(UnsupportedParamPolicy.REJECT)))
        .isSameAs(r.originalBytes());
  }

  // ---- the presets' quirks against the providers' published specs ----

  /** An OpenAI chat request using every common parameter. */
  static final String FULL_REQUEST = """
      {"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0.5,"top_p":0.9,
       "max_completion_tokens":100,"seed":7,"stop":["x"],"n":1,"stream":true,
       "stream_options":{"include_usage":true},"tools":[],"tool_choice":"auto","parallel_tool_calls":true,
       "response_format":{"type":"text"},"frequency_penalty":0,"presence_penalty":0,"logprobs":false,
       "top_logprobs":0,"logit_bias":{},"user":"u","service_tier":"auto","store":false,"metadata":{},
       "reasoning_effort":"low","prediction":{"type":"content","content":""}}""";

  @Test
  void mistralGetsOnlyFieldsItsChatCompletionRequestSchemaHas() throws IOException {
    JsonNode spec;
    try (InputStream in = getClass().getResourceAsStream("/specs/mistral/openapi.yaml")) {
      spec = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
    JsonNode schema = spec.path("components").path("schemas").path("ChatCompletionRequest");
    assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
    Set<String> allowed = new HashSet<>();
    schema.path("properties").fieldNames().forEachRemaining(allowed::add);

    Preset mistral = Presets.find("mistral").orElseThrow();
    Buffer out = new RequestQuirks(mistral.quirks()).apply(request(FULL_REQUEST, false),
        policy(UnsupportedParamPolicy.DROP));
    Set<String> sent = new HashSet<>();
    sent(out).fieldNames().forEachRemaining(sent::add);
    assertThat(allowed).containsAll(sent);
    assertThat(sent).contains("max_tokens", "random_seed", "tools", "response_format", "n");
  }

  @Test
  void ollamaDropsOnlyFieldsItsDocsMarkUnsupportedAndRenamesToSupportedOnes() throws IOException {
    String doc;
    try (InputStream in = getClass().getResourceAsStream("/specs/ollama/openai-compatibility.mdx")) {
      doc = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // The chat section's "Supported request fields": "- [x] `field`" or "- [ ] `field`", top level only.
    String chat = doc.substring(doc.indexOf("### `/v1/chat/completions`\n"), doc.indexOf("### `/v1/completions`"));
    Set<String> supported = new HashSet<>();
    Set<String> unsupported = new HashSet<>();
    Matcher m = Pattern.compile("(?m)^- \\[([ x])] `([a-z_]+)`").matcher(chat);
    while (m.find()) {
      (m.group(1).equals("x") ? supported : unsupported).add(m.group(2));
    }
    Preset.Quirks ollama = Presets.find("ollama").orElseThrow().quirks();
    for (String param : ollama.unsupported()) {
      assertThat(supported).as(param).doesNotContain(param);
    }
    assertThat(unsupported).contains("logit_bias", "n");
    assertThat(supported).containsAll(ollama.renamed().values()).doesNotContainAnyElementsOf(ollama.renamed().keySet());
    assertThat(ollama.streamUsage()).isEqualTo(supported.contains("stream_options"));
  }
}
