package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard init}: a starter config that validates, and a master key printed once, never written. */
class InitCommandTest {
  static final Pattern KEY = Pattern.compile("export MASTER_KEY=(sk-sb-[A-Za-z0-9_-]{43})\n");

  static String key(Cli r) {
    Matcher m = KEY.matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    String key = m.group(1);
    assertThat(r.out().indexOf(key)).isEqualTo(r.out().lastIndexOf(key));  // printed once
    return key;
  }

  @Test
  void withoutProviderKeysTheConfigUsesTheMockAndValidates(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.yaml");

    Cli r = Cli.run("init", "-o", file.toString());

    assertThat(r.code()).isZero();
    String key = key(r);
    String written = Files.readString(file);
    assertThat(written).doesNotContain(key).contains("MASTER_KEY");
    GatewayConfig config = ConfigLoader.load(file, Map.of());
    assertThat(config.providers()).extracting(p -> p.type().configName()).containsExactly("mock");
    assertThat(config.targets()).extracting(GatewayConfig.Target::virtualKey).containsExactly("mock");
    assertThat(Cli.run("validate", file.toString()).code()).isZero();
    assertThat(r.out()).contains("built-in mock provider");
  }

  @Test
  void providerKeysInTheEnvironmentBecomeTargets(@TempDir Path dir) throws Exception {
    Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-openai-test-value-123456",
        "GROQ_API_KEY", "gsk_groq_test_value_123456");
    Path file = dir.resolve("gw.yaml");

    Cli r = Cli.run(env, "init", "--output", file.toString(), "--non-interactive");

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Targets from the API keys found: groq, openai");
    assertThat(r.printed()).doesNotContain("sk-openai-test-value").doesNotContain("gsk_groq_test_value");
    String written = Files.readString(file);
    assertThat(written).doesNotContain("sk-openai-test-value").doesNotContain(key(r));
    GatewayConfig config = ConfigLoader.load(file, env);
    assertThat(config.targets()).extracting(GatewayConfig.Target::virtualKey).containsExactly("groq", "openai");
    assertThat(config.strategy().mode().configName()).isEqualTo("fallback");
  }

  @Test
  void jsonFormatWritesJsonThatValidates(@TempDir Path dir) throws Exception {
    Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "sk-ant-test-value");
    Path file = dir.resolve("gw.json");

    Cli r = Cli.run(env, "init", "-o", file.toString(), "--config-format", "json");

    assertThat(r.code()).isZero();
    assertThat(Files.readString(file)).startsWith("{").contains("\"virtual_key\" : \"anthropic\"");
    assertThat(ConfigLoader.load(file, env).targets()).extracting(GatewayConfig.Target::virtualKey)
        .containsExactly("anthropic");
  }

  @Test
  void theFileIsReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.yaml");

    Cli.run("init", "-o", file.toString());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void everyRunMakesAnotherKey(@TempDir Path dir) {
    String first = key(Cli.run("init", "-o", dir.resolve("a.yaml").toString()));
    String second = key(Cli.run("init", "-o", dir.resolve("b.yaml").toString()));

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void anExistingFileIsLeftAsItIsAndNoKeyIsMade(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("config.yaml"), "# mine\n");

    Cli r = Cli.run("init", "-o", file.toString());

    assertThat(r.code()).isZero();
    assertThat(Files.readString(file)).isEqualTo("# mine\n");
    assertThat(r.out()).contains("already exists").contains("--force").doesNotContain("MASTER_KEY=");
  }

  @Test
  void forceOverwrites(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("config.yaml"), "# mine\n");

    Cli r = Cli.run("init", "-o", file.toString(), "--force");

    assertThat(r.code()).isZero();
    key(r);
    assertThat(Files.readString(file)).startsWith("# Switchboard configuration");
    ConfigLoader.load(file, Map.of());
  }

  @Test
  void aMissingDirectoryExits1AndBadFlagsExit2(@TempDir Path dir) {
    Cli missing = Cli.run("init", "-o", dir.resolve("no/such/dir/config.yaml").toString());
    Cli format = Cli.run("init", "-o", dir.resolve("x.toml").toString(), "--config-format", "toml");

    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("its directory does not exist");
    assertThat(missing.out()).doesNotContain("MASTER_KEY=");
    assertThat(format.code()).isEqualTo(2);
    assertThat(format.err()).contains("--config-format toml is not a config format (expected: yaml or json)");
    assertThat(Files.exists(dir.resolve("x.toml"))).isFalse();
  }
}
