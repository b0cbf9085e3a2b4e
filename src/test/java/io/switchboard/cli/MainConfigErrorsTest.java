package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code switchboard validate} and {@code serve} print for a config that does not parse: no line of it. */
class MainConfigErrorsTest {
  static final String KEY = "sk-ant-api03-AbCdEf1234567890_ghIJkl-mnOPqrSTuvWX";

  @ParameterizedTest
  @ValueSource(strings = {"validate", "serve"})
  void aSyntaxErrorPrintsTheFileLineAndColumnButNoneOfTheText(String command, @TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("gateway.yaml"), """
        providers:
          - key: claude
            provider: anthropic
            api_key: "%s
        """.formatted(KEY));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = Main.run(new String[] {command, "--config", config.toString()}, Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(1);
    assertThat(printed).isEqualTo("switchboard: " + config + " is not a valid config (1 problem):\n"
        + "  config: not valid YAML or JSON at line 5, column 1: found unexpected end of stream (while scanning a "
        + "quoted scalar that starts at line 4, column 14)\n");
    assertThat(printed).doesNotContain("AbCdEf").doesNotContain("api_key:");
  }
}
