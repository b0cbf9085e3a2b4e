package io.switchboard.provider.vertex;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Google's Application Default Credentials, searched in Google's order with the gateway's environment: the
 * {@code GOOGLE_APPLICATION_CREDENTIALS} file, gcloud's {@code application_default_credentials.json}, then
 * (unless {@code NO_GCE_CHECK=true}) the library's own search, which ends at the GCE/GKE metadata server. The
 * credentials found are refreshed with Google's library. Blocking: call only off the event loop.
 */
final class ApplicationDefaultCredentials implements AdcTokens.Source {
  static final String FILE_ENV = "GOOGLE_APPLICATION_CREDENTIALS";
  static final String TRIED = "GOOGLE_APPLICATION_CREDENTIALS, gcloud's application_default_credentials.json, "
      + "the GCE/GKE metadata server";

  /** Where to look, read from the environment at load time; the paths are not secret but are never printed. */
  record Search(String file, Path gcloudFile, boolean metadataServer) {
    static Search from(Map<String, String> env) {
      String file = blankToNull(env.get(FILE_ENV));
      String config = blankToNull(env.get("CLOUDSDK_CONFIG"));
      String home = blankToNull(env.get("HOME"));
      Path gcloud = null;
      try {
        Path dir = config != null ? Path.of(config) : home != null ? Path.of(home, ".config", "gcloud") : null;
        gcloud = dir == null ? null : dir.resolve("application_default_credentials.json");
      } catch (InvalidPathException e) {
        // not a usable directory: that step of the search finds nothing
      }
      return new Search(file, gcloud, !"true".equalsIgnoreCase(env.getOrDefault("NO_GCE_CHECK", "").strip()));
    }

    private static String blankToNull(String value) {
      return value == null || value.isBlank() ? null : value.strip();
    }
  }

  private final Search search;
  private final Clock clock;
  private GoogleCredentials credentials;
  private String origin;

  ApplicationDefaultCredentials(Search search, Clock clock) {
    this.search = search;
    this.clock = clock;
  }

  @Override
  public synchronized AdcTokens.Token fetch() throws IOException {
    if (credentials == null) {
      find();
    }
    AccessToken token;
    try {
      token = credentials.refreshAccessToken();
    } catch (IOException | RuntimeException e) {
      throw new IOException("the Application Default Credentials from " + origin + " could not be refreshed: "
          + brief(e), e);
    }
    if (token == null || token.getTokenValue() == null || token.getTokenValue().isEmpty()) {
      throw new IOException("the Application Default Credentials from " + origin + " gave no access token");
    }
    return new AdcTokens.Token(token.getTokenValue(), token.getExpirationTime() != null
        ? token.getExpirationTime().toInstant() : clock.instant().plus(AccessTokens.LIFETIME));
  }

  private void find() throws IOException {
    if (search.file() != null) {
      credentials = load(search.file(), FILE_ENV);
      origin = "the " + FILE_ENV + " file";
      return;
    }
    if (search.gcloudFile() != null && Files.isRegularFile(search.gcloudFile())) {
      credentials = load(search.gcloudFile().toString(), "gcloud's application_default_credentials.json");
      origin = "gcloud's application_default_credentials.json";
      return;
    }
    if (search.metadataServer()) {
      try {
        // Reads the process environment; the steps above already covered the variable and the gcloud file.
        credentials = GoogleCredentials.getApplicationDefault().createScoped(List.of(AccessTokens.SCOPE));
        origin = "Google's default search (" + credentials.getClass().getSimpleName() + ")";
        return;
      } catch (IOException | RuntimeException e) {
        // nothing found: reported below with the list of what was tried
      }
    }
    throw new IOException("no Google Application Default Credentials found (tried: " + TRIED
        + (search.metadataServer() ? "" : " (skipped: NO_GCE_CHECK=true)") + "); set VERTEX_AI_API_KEY, "
        + "VERTEX_AI_SERVICE_ACCOUNT_JSON or GOOGLE_APPLICATION_CREDENTIALS, or run "
        + "'gcloud auth application-default login'");
  }

  // Never the path or the content in a message: a key pasted in place of a path would be shown.
  private static GoogleCredentials load(String file, String name) throws IOException {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      return GoogleCredentials.fromStream(in).createScoped(List.of(AccessTokens.SCOPE));
    } catch (NoSuchFileException e) {
      throw new IOException(name + " cannot be used: no such file");
    } catch (AccessDeniedException e) {
      throw new IOException(name + " cannot be used: permission denied");
    } catch (InvalidPathException e) {
      throw new IOException(name + " cannot be used: not a file path");
    } catch (IOException e) {
      throw new IOException(name + " cannot be used: " + brief(e));
    }
  }

  private static String brief(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    int line = message.indexOf('\n');
    return line < 0 ? message : message.substring(0, line);
  }
}
