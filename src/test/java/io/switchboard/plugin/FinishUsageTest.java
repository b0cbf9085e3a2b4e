package io.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.pricing.PriceCatalog;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Usage read from a passthrough answer's bytes without parsing the answer. */
class FinishUsageTest {
  private static Finish answered(String body) {
    return new Finish(200, false, "openai", "t", "gpt-4o", 1, 1_000_000, -1, null, Buffer.buffer(body), null,
        PriceCatalog.builtIn());
  }

  private static int start(String json) {
    return Finish.usageObjectStart(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void findsTheTopLevelUsageWhereverItIs() {
    String last = "{\"id\":\"x\",\"choices\":[{\"index\":0}],\"usage\":{\"prompt_tokens\":7}}";
    assertThat(start(last)).isEqualTo(last.indexOf("{\"prompt_tokens\""));
    String first = "{ \"usage\" :\n { \"prompt_tokens\": 1 }, \"id\": \"x\" }";
    assertThat(start(first)).isEqualTo(first.indexOf("{ \"prompt_tokens\""));
  }

  @Test
  void ignoresUsageInsideNestedObjectsAndInsideStrings() {
    String nested = "{\"choices\":[{\"message\":{\"usage\":{\"prompt_tokens\":99}}}],\"id\":\"x\"}";
    assertThat(start(nested)).isEqualTo(-1);
    String inText = "{\"content\":\"say \\\"usage\\\":{\\\"prompt_tokens\\\":99} \\\\\",\"n\":1}";
    assertThat(start(inText)).isEqualTo(-1);
    String asValue = "{\"note\":\"usage\",\"x\":{}}";
    assertThat(start(asValue)).isEqualTo(-1);
  }

  @Test
  void aUsageThatIsNotAnObjectOrABrokenBodyIsNone() {
    assertThat(start("{\"usage\":null}")).isEqualTo(-1);
    assertThat(start("{\"usage\":[1]}")).isEqualTo(-1);
    assertThat(start("{\"content\":\"never closed")).isEqualTo(-1);
    assertThat(start("")).isEqualTo(-1);
  }

  @Test
  void usageAndCostComeFromTheBytes() {
    Finish finish = answered("{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"\\\"usage\\\":{\\\"prompt_tokens\\\":5}\"}}],"
        + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":1000,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":0}}}");
    assertThat(finish.usageReported()).isTrue();
    assertThat(finish.usage().promptTokens()).isEqualTo(1000);
    assertThat(finish.usage().completionTokens()).isEqualTo(1000);
    assertThat(finish.cost()).isEqualTo(0.0125, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void anAnswerWithoutUsageReportsNone() {
    Finish finish = answered("{\"id\":\"x\",\"choices\":[]}");
    assertThat(finish.usageReported()).isFalse();
    assertThat(finish.usage().isEmpty()).isTrue();
    assertThat(finish.cost()).isNull();
  }
}
