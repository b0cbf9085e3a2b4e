package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dispatcher: usage, help for every verb, and exit 2 for what it does not understand. */
class MainTest {
  @Test
  void noArgumentsPrintsTheUsageAndExits2() {
    Cli r = Cli.run();

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Usage:").contains("Commands:");
    for (Command c : Main.COMMANDS) {
      assertThat(r.err()).contains("  " + c.name() + " ");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h", "help"})
  void helpPrintsTheUsageAndExits0(String flag) {
    Cli r = Cli.run(flag);

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Usage:").contains("validate").contains("migrate");
  }

  @Test
  void everyVerbHasItsOwnHelp() {
    assertThat(Main.COMMANDS).extracting(Command::name)
        .containsExactlyInAnyOrder("serve", "validate", "init", "doctor", "status", "plugins", "migrate", "version");
    for (Command c : Main.COMMANDS) {
      Cli flag = Cli.run(c.name(), "--help");
      Cli verb = Cli.run("help", c.name());

      assertThat(flag.code()).as(c.name()).isZero();
      assertThat(flag.out()).as(c.name()).startsWith("Usage:\n  switchboard " + c.name());
      assertThat(verb.out()).isEqualTo(flag.out());
    }
  }

  @Test
  void anUnknownVerbPrintsTheUsageAndExits2() {
    Cli r = Cli.run("frobnicate");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("switchboard: unknown command \"frobnicate\"\n").contains("Commands:");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anUnknownFlagNamesItAndPrintsTheVerbsUsage() {
    Cli r = Cli.run("status", "--bogus");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("switchboard: status: unknown flag \"--bogus\"\nUsage:\n  switchboard status");
  }

  @Test
  void aFlagWithoutItsValueOrGivenTwiceIsAUsageError() {
    assertThat(Cli.run("validate", "--config").err()).contains("--config needs a value");
    assertThat(Cli.run("validate", "--config=a.yaml", "-c", "b.yaml").err()).contains("-c is given twice");
    assertThat(Cli.run("init", "--force=yes").err()).contains("--force takes no value");
    assertThat(Cli.run("validate", "--config").code()).isEqualTo(2);
  }

  @Test
  void versionFlagAndVerb() {
    Cli flag = Cli.run("--version");
    Cli verb = Cli.run("version");
    Cli json = Cli.run("version", "--format", "json");

    assertThat(flag.out()).isEqualTo("switchboard " + Main.version() + "\n");
    assertThat(verb.code()).isZero();
    assertThat(verb.out()).contains("Version   " + Main.version()).contains("Java      " + Runtime.version())
        .contains("OS/Arch");
    assertThat(json.out()).contains("\"version\" : \"" + Main.version() + "\"");
    assertThat(Cli.run("version", "--format", "xml").code()).isEqualTo(2);
    assertThat(Cli.run("version", "extra").code()).isEqualTo(2);
  }

  @Test
  void ferrosGlobalFlagsMayComeBeforeTheVerb() {
    assertThat(Main.hoistGlobalFlags(new String[] {"--gateway-url", "http://h:1", "--format=json", "plugins", "-h"}))
        .containsExactly("plugins", "--gateway-url", "http://h:1", "--format=json", "-h");
    assertThat(Main.hoistGlobalFlags(new String[] {"status", "--gateway-url", "u"}))
        .containsExactly("status", "--gateway-url", "u");
    assertThat(Main.hoistGlobalFlags(new String[] {"--api-key"})).containsExactly("--api-key");
    Cli r = Cli.run("--format", "json", "version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("{");
  }

  @Test
  void ferrosAdminVerbSaysItIsNotAvailable() {
    Cli r = Cli.run("admin", "keys", "list");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("switchboard: admin (Ferro's admin API client").contains("not available");
  }
}
