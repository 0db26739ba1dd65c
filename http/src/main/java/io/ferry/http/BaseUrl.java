package io.ferry.http;

import io.ferry.config.Fields;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * The one rule for the base URL of an HTTP API (every uplink's {@code url}, the mirror's {@code
 * baseUrl} and {@code tokenUrl}): http or https, no query (credentials go in a secret, never in a
 * URL that logs quote), and plain {@code http://} only to this machine. Plain http to another host
 * is refused, not warned about: every one of these calls carries a credential, Ferry runs
 * unattended (a warning at {@code ferry check} is read once, if ever), and the credential would
 * cross the network in clear text on every call. Loopback stays allowed because the traffic never
 * leaves the machine: a local TLS-terminating proxy or tunnel, and the test servers. Pure: no DNS.
 */
public final class BaseUrl {
  private BaseUrl() {}

  /** {@code key} (default {@code dflt}) as a base URL whose path ends in {@code /}; empty with the problem reported. */
  public static Optional<HttpUrl> read(Fields f, String key, String dflt) {
    return check(f, key, f.string(key, dflt));
  }

  /** A required {@code key} as a base URL; empty with the problem reported. */
  public static Optional<HttpUrl> required(Fields f, String key) {
    return f.requiredString(key).flatMap(text -> check(f, key, text));
  }

  private static Optional<HttpUrl> check(Fields f, String key, String given) {
    String text = given.trim();
    HttpUrl url = HttpUrl.parse(text);
    if (url == null) {
      f.error(key, "expected an http:// or https:// URL, got \"" + Redact.url(text) + "\"");
      return Optional.empty();
    }
    if (url.querySize() > 0) {
      f.error(key, "must not contain a query (credentials go in a secret), got \"" + url.redact() + "\"");
      return Optional.empty();
    }
    if (!url.isHttps() && !isLoopback(url.host())) {
      f.error(key, "must use https://: plain http:// would send the credentials to " + url.host()
          + " in clear text (it is accepted only for this machine: localhost, 127.0.0.1, ::1)");
      return Optional.empty();
    }
    List<String> segments = url.pathSegments().stream().filter(s -> !s.isEmpty()).toList();
    HttpUrl.Builder b = url.newBuilder().encodedPath("/");
    segments.forEach(b::addPathSegment);
    return Optional.of(b.build());
  }

  /** This machine: {@code localhost}, 127.0.0.0/8, {@code ::1} (no DNS lookup: planning does no I/O). */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1");
  }
}
