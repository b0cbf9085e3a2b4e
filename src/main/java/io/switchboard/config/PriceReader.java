package io.switchboard.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.pricing.ModelPrice;
import io.switchboard.pricing.PriceCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code pricing_file}: the built-in price catalog, extended and overridden by a JSON file. */
record PriceReader(NodeReader r) {
  private static final ObjectMapper PRICES = new ObjectMapper(JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  /** The built-in price catalog, extended and overridden by {@code pricing_file} when given. */
  PriceCatalog read(ObjectNode root) {
    String file = r.string(root, "pricing_file", "", false);
    if (file == null || file.isBlank()) {
      return PriceCatalog.builtIn();
    }
    JsonNode tree;
    try {
      tree = PRICES.readTree(Files.readString(Path.of(file), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      r.problem("pricing_file", "\"" + file + "\": no such file");
      return PriceCatalog.builtIn();
    } catch (JsonProcessingException e) {
      String duplicateAt = ParseProblem.duplicateAt(e);
      r.problem("pricing_file", "\"" + file + "\"" + (duplicateAt == null ? " is "
          : duplicateAt.isEmpty() ? " has a " : " has at " + duplicateAt + " a ") + ParseProblem.describe(e, "JSON"));
      return PriceCatalog.builtIn();
    } catch (IOException | java.nio.file.InvalidPathException e) {
      r.problem("pricing_file", "\"" + file + "\" cannot be read (" + NodeReader.cannotRead(e) + ")");
      return PriceCatalog.builtIn();
    }
    List<String> problems = new ArrayList<>();
    Map<String, ModelPrice> entries = PriceCatalog.parse(tree, problems);
    problems.forEach(p -> r.problem("pricing_file", file + ": " + p));
    return PriceCatalog.builtIn().with(entries);
  }
}
