package io.switchboard.config;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * How a provider reads a configured base URL ({@code base_url}, {@code <P>_BASE_URL}, ...) into the API root
 * every request path is appended to, as Ferro does. Only two forms are unambiguous, and both are accepted
 * for every provider: a bare host ({@code https://proxy.internal}) gets the provider's own version segment,
 * and a URL whose path ends in a version segment ({@code https://proxy.internal/v1}) is the root as it is.
 * Any other path is read the way Ferro reads it for that provider (see {@link Style}).
 */
public record ApiRoot(Style style, String suffix) {
  /** A path segment such as {@code v1}, {@code v1beta}, {@code v2}. */
  private static final Pattern VERSION = Pattern.compile("v\\d[a-z0-9]*");

  public enum Style {
    /** A path is the root itself; a bare host gets {@code suffix} (the default root's version segment). */
    ROOT,
    /** The URL is used as given, host or not (Hugging Face's dedicated endpoints). */
    VERBATIM,
    /** The URL is where the API is mounted: {@code suffix} is appended unless the path already ends in it. */
    MOUNT
  }

  /** Ferro's rule for a provider whose default root is {@code defaultRoot} (may hold {@code {x}} placeholders). */
  public static ApiRoot of(String defaultRoot) {
    return new ApiRoot(Style.ROOT, defaultRoot == null ? "" : versionSegment(defaultRoot));
  }

  public static ApiRoot mount(String suffix) {
    return new ApiRoot(Style.MOUNT, suffix);
  }

  public static final ApiRoot VERBATIM = new ApiRoot(Style.VERBATIM, "");

  /**
   * The API root for {@code url}, an http(s) URL with a host and no query, trailing slashes already removed
   * (what the loader's URL check gives back).
   */
  public String resolve(String url) {
    String path = URI.create(url).getRawPath();
    path = path == null ? "" : path;
    return switch (style) {
      case VERBATIM -> url;
      case ROOT -> path.isEmpty() ? url + suffix : url;
      case MOUNT -> path.endsWith(suffix) || endsInVersion(path) && !suffix.isEmpty() && endsInVersion(suffix)
          ? url : url + suffix;
    };
  }

  /** The last path segment of {@code root} when it is a version ({@code /v1}, {@code /v1beta}), else "". */
  static String versionSegment(String root) {
    String path = root.replaceFirst("^[a-z]+://[^/]*", "");
    String last = path.substring(path.lastIndexOf('/') + 1);
    return VERSION.matcher(last).matches() ? "/" + last : "";
  }

  private static boolean endsInVersion(String path) {
    return !versionSegment(path).isEmpty();
  }
}
