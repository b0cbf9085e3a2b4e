package io.switchboard.provider.vertex;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.config.NodeReader;
import io.switchboard.config.ProviderEntry;
import io.switchboard.config.ProviderOptions;
import io.switchboard.config.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Vertex AI's own settings: the project and region of its URLs, and how it signs in: a configured service
 * account, else an API key, else Google's Application Default Credentials ({@code adc}, where to search).
 */
public record VertexOptions(String project, String region, ServiceAccount credentials,
    ApplicationDefaultCredentials.Search adc) implements ProviderOptions {
  public static final Set<String> KEYS = Set.of("project", "region", "credentials");
  public static final String DEFAULT_REGION = "us-central1";
  static final List<String> PROJECT_ENV = List.of("VERTEX_AI_PROJECT_ID", "GOOGLE_CLOUD_PROJECT");
  /** Explicit service accounts; GOOGLE_APPLICATION_CREDENTIALS belongs to Application Default Credentials. */
  static final List<String> CREDENTIALS_ENV = List.of("VERTEX_AI_CREDENTIALS", "VERTEX_AI_SERVICE_ACCOUNT_JSON");
  private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9.:-]*");
  private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");

  /**
   * Reads the options at load time; {@code credentials} is a path to a service-account JSON file or the JSON
   * itself. Records a problem per bad field and returns null after any.
   */
  public static VertexOptions read(ProviderEntry entry) {
    String project = entry.setting("project", PROJECT_ENV);
    String region = entry.setting("region", List.of("VERTEX_AI_REGION"));
    Secret credentials = entry.secretDocument("credentials", CREDENTIALS_ENV);
    boolean ok = true;
    if (project == null) {
      entry.problem("project", "is required for provider vertex-ai (or set VERTEX_AI_PROJECT_ID)");
      ok = false;
    } else if (!PROJECT.matcher(project).matches()) {
      entry.problem("project", "is not a Google Cloud project id (expected: lower-case letters, digits, '-', '.', ':')");
      ok = false;
    }
    region = region == null ? DEFAULT_REGION : region;
    if (!REGION.matcher(region).matches()) {
      entry.problem("region", "is not a Google Cloud region (expected: e.g. us-central1 or global)");
      ok = false;
    }
    ServiceAccount account = null;
    ApplicationDefaultCredentials.Search adc = null;
    // Read by the loader as api_key; here only to know whether Application Default Credentials are needed.
    boolean apiKey = entry.secret("api_key", List.of("VERTEX_AI_API_KEY")) != null;
    if (credentials != null) {
      account = serviceAccount(entry, credentials.value());
      ok &= account != null;
    } else if (!apiKey) {
      adc = ApplicationDefaultCredentials.Search.from(entry.env());
      ok &= readableAdcFile(entry, adc);
    }
    return ok ? new VertexOptions(project, region, account, adc) : null;
  }

  // A file named but missing is a mistake to report now; what it holds is checked when it is used.
  private static boolean readableAdcFile(ProviderEntry entry, ApplicationDefaultCredentials.Search adc) {
    if (adc.file() == null) {
      return true;
    }
    try {
      if (Files.isReadable(Path.of(adc.file())) && !Files.isDirectory(Path.of(adc.file()))) {
        return true;
      }
    } catch (InvalidPathException e) {
      // reported below
    }
    entry.problem("credentials", "is not set, so Application Default Credentials are used, but "
        + "GOOGLE_APPLICATION_CREDENTIALS does not name a readable file (expected: a credentials JSON file, "
        + "or set credentials, VERTEX_AI_SERVICE_ACCOUNT_JSON or VERTEX_AI_API_KEY)");
    return false;
  }

  // Never the path in a problem: a key pasted into credentials that is not JSON is taken for a path.
  private static ServiceAccount serviceAccount(ProviderEntry entry, String value) {
    String json = value.strip();
    boolean file = !json.startsWith("{");
    if (file) {
      Path path;
      try {
        path = Path.of(json);
      } catch (InvalidPathException e) {
        entry.problem("credentials", "is neither service-account JSON nor a file path");
        return null;
      }
      try {
        json = Files.readString(path);  // once, at load time
      } catch (IOException | SecurityException e) {
        entry.problem("credentials", "names a service-account file that cannot be read ("
            + NodeReader.cannotRead(e) + ")");
        return null;
      }
    }
    try {
      return ServiceAccount.parse(json);
    } catch (ServiceAccount.InvalidException e) {
      entry.problem("credentials", file ? "names a file that is not a usable service-account key: " + e.getMessage()
          : e.getMessage());
      return null;
    }
  }

  /**
   * An entry when {@code VERTEX_AI_PROJECT_ID} is set, as Ferro registers it: credentials are whatever is set,
   * else Application Default Credentials. The reader reads the rest.
   */
  public static Optional<ObjectNode> fromEnvironment(Map<String, String> env) {
    if (env.getOrDefault("VERTEX_AI_PROJECT_ID", "").isBlank()) {
      return Optional.empty();
    }
    return Optional.of(JsonNodeFactory.instance.objectNode().put("key", "vertex-ai").put("provider", "vertex-ai"));
  }

  /** {@code https://{region}-aiplatform.googleapis.com/v1}, or the global endpoint's. */
  public String defaultBaseUrl() {
    return region.equals("global") ? "https://aiplatform.googleapis.com/v1"
        : "https://" + region + "-aiplatform.googleapis.com/v1";
  }
}
