package io.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One {@code providers} entry as a kind's options reader sees it: the raw node, where it is (for problem
 * messages), the environment, and the reader that collects problems. A reader records a problem and
 * returns null rather than throwing, so a bad config is reported whole.
 */
public record ProviderEntry(NodeReader reader, JsonNode node, String path, Map<String, String> env) {
  /** A string field, or null (recording a problem when it is required and absent, or not a string). */
  public String string(String field, boolean required) {
    return reader.string(node, field, path, required);
  }

  /**
   * A credential from the field, else from the first of {@code envNames} that is set, else null. Never
   * quoted in a problem message. Credentials are sent in HTTP headers, so one with a line break or another
   * control character is a problem here rather than a failure of every request.
   */
  public Secret secret(String field, List<String> envNames) {
    return secret(field, envNames, true);
  }

  /** As {@link #secret}, for a credential that is a document rather than a header (JSON, a file path). */
  public Secret secretDocument(String field, List<String> envNames) {
    return secret(field, envNames, false);
  }

  private Secret secret(String field, List<String> envNames, boolean header) {
    JsonNode value = node.get(field);
    if (value != null && !value.isNull()) {
      if (!value.isTextual()) {
        reader.problem(NodeReader.join(path, field), "expected a string, got " + NodeReader.kind(value));
        return null;
      }
      if (!value.asText().isBlank()) {
        return checked(value.asText(), NodeReader.join(path, field), header);
      }
    }
    for (String name : envNames) {
      String set = env.get(name);
      if (set != null && !set.isBlank()) {
        return checked(set, NodeReader.join(path, field) + " (from " + name + ")", header);
      }
    }
    return null;
  }

  /** The secret, after recording a problem if it cannot be sent (given back all the same: it is not missing). */
  private Secret checked(String value, String at, boolean header) {
    String problem = header ? HttpText.valueProblem(value) : null;
    if (problem != null) {
      reader.problem(at, problem);
    }
    return new Secret(value);
  }

  /** A plain setting from the field, else from the first of {@code envNames} that is set, else null. */
  public String setting(String field, List<String> envNames) {
    String value = reader.string(node, field, path, false);
    if (value != null && !value.isBlank()) {
      return value;
    }
    return envNames.stream().map(env::get).filter(v -> v != null && !v.isBlank()).findFirst().orElse(null);
  }

  public void problem(String field, String message) {
    reader.problem(field == null ? path : NodeReader.join(path, field), message);
  }
}
