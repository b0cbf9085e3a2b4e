package io.switchboard.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Json;
import io.switchboard.config.Preset;
import io.switchboard.config.Presets;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code switchboard init}: writes a starter config and prints a new master key, once. The key is not written
 * to the file: the gateway reads it from {@code MASTER_KEY}. Ferro's flags ({@code --output},
 * {@code --config-format}, {@code --non-interactive}), plus {@code --force}; like Ferro, an existing file is
 * left as it is (and no key made) unless {@code --force} is given.
 */
final class InitCommand implements Command {
  /** Prefix of the keys made here: recognisable in a secret scanner's rules and in a leaked log. */
  static final String KEY_PREFIX = "sk-sb-";
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Native kinds registered from their key variable alone (Ferro's virtual keys of the same names). */
  private static final List<String> NATIVE = List.of("openai", "anthropic", "gemini", "cohere");

  @Override
  public String name() {
    return "init";
  }

  @Override
  public String summary() {
    return "Write a starter config and generate a master key";
  }

  @Override
  public String help() {
    return """
        Usage:
          switchboard init [-o FILE] [--config-format yaml|json] [--force] [--non-interactive]
        Writes a starter config (targets for the providers whose API key variable is set, else the built-in
        mock provider) and prints a newly generated master key once. The key is not stored in the file: the
        gateway reads it from MASTER_KEY.
          -o, --output FILE        where to write (default: config.yaml, or config.json)
          --config-format FORMAT   yaml (default) or json
          --force                  overwrite FILE when it exists (otherwise it is left as it is, exit 0)
          --non-interactive        accepted for Ferro's scripts; init never asks questions
        Exit status: 0 written (or left as it was), 1 could not write, 2 bad arguments.""";
  }

  @Override
  public Args.Spec flags() {
    return Args.Spec.of(Args.Flag.value("--output", "-o"), Args.Flag.value("--config-format"),
        Args.Flag.toggle("--force"), Args.Flag.toggle("--non-interactive"));
  }

  @Override
  public int run(Args args, Io io) {
    args.positionals(0, "flags only; the file goes after --output");
    String format = args.value("--config-format") == null ? "yaml" : args.value("--config-format");
    if (!format.equals("yaml") && !format.equals("json")) {
      throw new Args.UsageException("--config-format " + format + " is not a config format (expected: yaml or json)");
    }
    Path file = Path.of(args.value("--output") != null ? args.value("--output") : "config." + format);
    boolean force = args.has("--force");
    if (Files.exists(file) && !force) {
      io.out().println("  [!] " + file + " already exists: left as it is (--force overwrites it)");
      io.out().println("  [-] No master key generated: the key this deployment already uses still applies.");
      return 0;
    }
    TreeMap<String, String> detected = detected(io);
    String text = format.equals("json") ? json(detected) : yaml(detected);
    try {
      write(file, text, force);
    } catch (NoSuchFileException e) {
      io.error("init: cannot write " + file + ": its directory does not exist");
      return 1;
    } catch (FileAlreadyExistsException e) {
      io.error("init: " + file + " appeared while writing it; left as it is");
      return 1;
    } catch (IOException e) {
      io.error("init: cannot write " + file + ": " + e.getMessage());
      return 1;
    }
    io.out().println("  [OK] Created " + file);
    if (detected.isEmpty()) {
      io.out().println("  [!] No provider API key found in the environment: the config starts with the built-in "
          + "mock provider.");
    } else {
      io.out().println("  [OK] Targets from the API keys found: " + String.join(", ", detected.keySet()));
    }
    io.out().println("  [OK] Master key generated; it is shown only now and is not stored in " + file + ":");
    io.out().println("       export MASTER_KEY=" + newKey());
    io.out().println();
    io.out().println("  Next steps:");
    io.out().println("    1. Check it:       switchboard validate " + file);
    io.out().println("    2. Start it:       switchboard serve --config " + file);
    io.out().println("    3. Check it runs:  switchboard status");
    return 0;
  }

  /** 32 random bytes, URL-safe base64, after the prefix. */
  static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Provider name -> the variable found set, for the kinds and presets a key alone configures. */
  static TreeMap<String, String> detected(Io io) {
    TreeMap<String, String> found = new TreeMap<>();
    for (String kind : NATIVE) {
      String variable = kind.toUpperCase(java.util.Locale.ROOT) + "_API_KEY";
      if (io.variable(variable) != null) {
        found.put(kind, variable);
      }
    }
    for (Preset preset : Presets.all()) {
      // Only presets with a public address: the others need a base URL this starter cannot guess.
      if (preset.keyRequired() && preset.baseUrl() != null && !preset.baseUrl().contains("{")
          && io.variable(preset.envPrefix() + "_API_KEY") != null) {
        found.putIfAbsent(preset.name(), preset.envPrefix() + "_API_KEY");
      }
    }
    return found;
  }

  static String yaml(TreeMap<String, String> detected) {
    StringBuilder text = new StringBuilder("""
        # Switchboard configuration, written by `switchboard init`.
        # Check it with `switchboard validate FILE`. Clients authenticate with the master key the gateway reads
        # from MASTER_KEY; the key is not stored in this file.

        strategy:
          mode: fallback

        """);
    if (detected.isEmpty()) {
      text.append("""
          # No provider API key was found, so the only provider is the built-in mock, which answers without any
          # network. Once a provider's key is set (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...), delete this providers
          # block and name the provider in targets: it is registered from its variable.
          providers:
            - key: mock
              provider: mock

          targets:
            - virtual_key: mock
          """);
    } else {
      text.append("# Each provider is registered from its API key variable (")
          .append(String.join(", ", detected.values())).append(").\n");
      text.append("targets:\n");
      detected.keySet().forEach(name -> text.append("  - virtual_key: ").append(name).append('\n'));
    }
    text.append("""
          # A target may also carry a weight and a retry policy:
          # - virtual_key: gemini
          #   weight: 1
          #   retry:
          #     attempts: 3

        # plugins: []
        """);
    return text.toString();
  }

  static String json(TreeMap<String, String> detected) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.putObject("strategy").put("mode", "fallback");
    if (detected.isEmpty()) {
      root.putArray("providers").addObject().put("key", "mock").put("provider", "mock");
      root.putArray("targets").addObject().put("virtual_key", "mock");
    } else {
      var targets = root.putArray("targets");
      detected.keySet().forEach(name -> targets.addObject().put("virtual_key", name));
    }
    return root.toPrettyString() + "\n";
  }

  /** Readable by its owner only, as Ferro writes it; {@code replace} truncates an existing file. */
  private static void write(Path file, String text, boolean replace) throws IOException {
    Set<PosixFilePermission> ownerOnly = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    List<StandardOpenOption> options = new ArrayList<>(List.of(StandardOpenOption.WRITE));
    options.add(replace ? StandardOpenOption.CREATE : StandardOpenOption.CREATE_NEW);
    if (replace) {
      options.add(StandardOpenOption.TRUNCATE_EXISTING);
    }
    boolean posix = file.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix");
    if (posix && !Files.exists(file)) {
      Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(ownerOnly));
      options.remove(StandardOpenOption.CREATE_NEW);
    }
    try (OutputStream out = Files.newOutputStream(file, options.toArray(StandardOpenOption[]::new))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
