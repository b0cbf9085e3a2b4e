package io.switchboard.cli;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.switchboard.config.litellm.LiteLlmConfig;
import io.switchboard.config.Redaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code switchboard migrate litellm FILE}: prints the native config equivalent to a LiteLLM Proxy config, with a
 * comment for each setting that has no equivalent. A secret written literally in the source is not copied: it
 * becomes a {@code ${VARIABLE}} reference, named in a comment.
 */
final class MigrateCommand implements Command {
  static final List<String> LITELLM_SECTIONS = List.of(
      "model_list", "router_settings", "litellm_settings", "general_settings", "environment_variables");
  private static final Pattern SECRET_FIELD = Pattern.compile(
      "(?i)api_key|master_key|aws_secret_access_key|aws_session_token|password|authorization|x-api-key|api-key");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?}");
  private static final ObjectMapper READER = new ObjectMapper(YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private static final ObjectMapper WRITER = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).build());

  @Override
  public String name() {
    return "migrate";
  }

  @Override
  public String summary() {
    return "Print the native config for a LiteLLM proxy config";
  }

  @Override
  public String help() {
    return """
        Usage:
          switchboard migrate litellm FILE
        Prints, on stdout, the Switchboard config equivalent to the LiteLLM Proxy config FILE (model_list,
        router_settings, litellm_settings, general_settings), with a YAML comment for each setting that has no
        equivalent. A secret written literally in FILE becomes a ${VARIABLE} reference to set instead.
        Exit status: 0 printed, 1 FILE cannot be read or translated (each problem printed), 2 bad arguments.""";
  }

  @Override
  public Args.Spec flags() {
    return Args.Spec.of();
  }

  @Override
  public int run(Args args, Io io) {
    List<String> positionals = args.positionals(2, "litellm FILE");
    if (positionals.isEmpty() || !positionals.getFirst().equals("litellm")) {
      throw new Args.UsageException(positionals.isEmpty() ? "migrate needs a source: migrate litellm FILE"
          : "\"" + positionals.getFirst() + "\" is not a source this version migrates from (expected: litellm)");
    }
    if (positionals.size() < 2) {
      throw new Args.UsageException("migrate litellm needs the LiteLLM config file: migrate litellm FILE");
    }
    String file = positionals.get(1);
    String content;
    try {
      content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      io.error(file + ": no such file");
      return 1;
    } catch (IOException e) {
      io.error(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
      return 1;
    }
    JsonNode source;
    try {
      source = READER.readTree(content);
    } catch (IOException e) {
      // The parser's message quotes the text near the error, which may be a key: only its position is shown.
      io.error(file + ": not valid YAML" + position(e));
      return 1;
    }
    if (!(source instanceof ObjectNode root) || LITELLM_SECTIONS.stream().noneMatch(root::has)) {
      io.error(file + ": not a LiteLLM config (expected: a mapping with model_list, router_settings, "
          + "litellm_settings or general_settings)");
      return 1;
    }
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    ObjectNode translated = translate(root, problems, warnings);
    if (!problems.isEmpty()) {
      io.error(file + " cannot be translated (" + ConfigSummary.count(problems.size(), "problem") + "):");
      problems.forEach(p -> io.err().println("  " + Redaction.redactKeys(p)));
      return 1;
    }
    List<String> moved = new ArrayList<>();
    externalizeSecrets(translated, "", null, moved);
    StringBuilder text = new StringBuilder();
    text.append("# Switchboard config translated from the LiteLLM config ").append(file)
        .append(" by `switchboard migrate litellm`.\n");
    text.append("# Check it with `switchboard validate FILE` once the variables it names are set.\n");
    if (!translated.has("providers") && !translated.has("virtual_keys")) {
      text.append("# No model_list: providers are registered from their variables (OPENAI_API_KEY, "
          + "ANTHROPIC_API_KEY, ...), as LiteLLM reads them.\n");
    }
    if (!moved.isEmpty()) {
      text.append("#\n# Secrets written in the source are not copied; set these variables instead:\n");
      moved.forEach(m -> text.append("#   ").append(m).append('\n'));
    }
    if (!warnings.isEmpty()) {
      text.append("#\n# LiteLLM settings without an equivalent here (not carried over):\n");
      warnings.forEach(w -> text.append("#   ").append(Redaction.redactKeys(w).replace('\n', ' ')).append('\n'));
    }
    try {
      text.append(WRITER.writeValueAsString(translated));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    io.out().print(text);
    return 0;
  }

  /** The one call into the LiteLLM dialect, so that moving it changes one line. */
  static ObjectNode translate(ObjectNode liteLlm, List<String> problems, List<String> warnings) {
    return LiteLlmConfig.translate(liteLlm, problems, warnings);
  }

  /**
   * Replaces each literal secret with a {@code ${VARIABLE}}: the master key with {@code MASTER_KEY}, a
   * provider's with {@code <PROVIDER KEY>_<FIELD>}. {@code owner} is the key of the providers entry being
   * walked, or null.
   */
  static void externalizeSecrets(JsonNode node, String path, String owner, List<String> moved) {
    if (node instanceof ObjectNode object) {
      String key = object.path("key").isTextual() && path.startsWith("providers[") ? object.path("key").asText()
          : owner;
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        JsonNode value = e.getValue();
        if (value.isTextual() && SECRET_FIELD.matcher(e.getKey()).matches()
            && !VARIABLE.matcher(value.asText().strip()).matches()) {
          String variable = e.getKey().equalsIgnoreCase("master_key") ? "MASTER_KEY"
              : (key == null ? "" : key + "_") + e.getKey();
          variable = variable.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_+|_+$", "");
          e.setValue(new TextNode("${" + variable + "}"));
          moved.add(at + ": " + variable);
        } else {
          externalizeSecrets(value, at, key, moved);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        externalizeSecrets(array.get(i), path + "[" + i + "]", owner, moved);
      }
    }
  }

  private static String position(IOException e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null) {
      return " at line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr();
    }
    return " (" + e.getClass().getSimpleName() + ")";
  }
}
