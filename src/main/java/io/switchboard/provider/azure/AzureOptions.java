package io.switchboard.provider.azure;

import io.switchboard.config.ProviderEntry;
import io.switchboard.config.ProviderOptions;
import io.switchboard.config.Secret;
import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Azure OpenAI's own settings. {@code endpoint} is the resource endpoint from AZURE_OPENAI_ENDPOINT, set
 * only when the entry has no base_url (nor AZURE_OPENAI_BASE_URL, which the loader reads); {@code adToken},
 * when set, is sent as a bearer token instead of the api-key header; {@code deployment}, when set (AZURE_OPENAI_DEPLOYMENT,
 * as Ferro reads it), is the deployment every request goes to.
 */
public record AzureOptions(String endpoint, String apiVersion, Secret adToken, String deployment)
    implements ProviderOptions {
  /** The current GA data-plane version. */
  public static final String DEFAULT_API_VERSION = "2024-10-21";
  /** Selects the version-less {@code /openai/v1/} API, where the model travels in the body. */
  public static final String V1 = "v1";
  private static final Pattern VERSION = Pattern.compile("v1|\\d{4}-\\d{2}-\\d{2}(-preview)?");

  /** Without a fixed deployment: the deployment is the request's (upstream) model name. */
  public AzureOptions(String endpoint, String apiVersion, Secret adToken) {
    this(endpoint, apiVersion, adToken, null);
  }

  public boolean v1() {
    return V1.equals(apiVersion);
  }

  @Override
  public List<Secret> secrets() {
    return adToken == null ? List.of() : List.of(adToken);
  }

  /** The options reader of the {@code azure} kind; records problems and returns null after one. */
  public static AzureOptions read(ProviderEntry entry) {
    String apiVersion = entry.setting("api_version", List.of("AZURE_OPENAI_API_VERSION"));
    if (apiVersion == null) {
      apiVersion = DEFAULT_API_VERSION;
    } else if (!VERSION.matcher(apiVersion.strip()).matches()) {
      entry.problem("api_version", "is not an API version (expected: v1 or a date such as " + DEFAULT_API_VERSION
          + ", optionally with -preview)");
      return null;
    }
    Secret adToken = entry.secret("azure_ad_token", List.of("AZURE_OPENAI_AD_TOKEN"));
    Secret apiKey = entry.secret("api_key", List.of("AZURE_OPENAI_API_KEY"));
    if (adToken == null && apiKey == null) {
      entry.problem("api_key", "api_key or azure_ad_token is required for provider azure"
          + " (or set AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN)");
      return null;
    }
    String endpoint = null;
    // What the loader itself reads: a non-blank base_url, else AZURE_OPENAI_BASE_URL.
    boolean hasBaseUrl = !entry.node().path("base_url").asText("").isBlank()
        || !entry.env().getOrDefault("AZURE_OPENAI_BASE_URL", "").isBlank();
    if (!hasBaseUrl) {
      String raw = entry.env().getOrDefault("AZURE_OPENAI_ENDPOINT", "");
      if (raw.isBlank()) {
        entry.problem("base_url", "is required for provider azure: the resource endpoint, such as"
            + " https://myresource.openai.azure.com (or set AZURE_OPENAI_ENDPOINT)");
        return null;
      }
      endpoint = endpoint(raw);
      if (endpoint == null) {
        entry.problem("base_url", "AZURE_OPENAI_ENDPOINT is not an http(s) URL with a host and no query");
        return null;
      }
    }
    // Ferro's AZURE_OPENAI_DEPLOYMENT: one deployment answers every model.
    String deployment = entry.setting("deployment", List.of("AZURE_OPENAI_DEPLOYMENT"));
    return new AzureOptions(endpoint, apiVersion.strip(), adToken, deployment == null ? null : deployment.strip());
  }

  /** The endpoint without trailing slashes, or null when it is not a usable http(s) URL. */
  static String endpoint(String raw) {
    String url = raw.strip();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    try {
      URI uri = new URI(url);
      boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      return http && uri.getHost() != null && uri.getQuery() == null && uri.getFragment() == null ? url : null;
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "AzureOptions[endpoint=" + endpoint + ", apiVersion=" + apiVersion + ", adToken=" + adToken
        + ", deployment=" + deployment + "]";
  }
}
