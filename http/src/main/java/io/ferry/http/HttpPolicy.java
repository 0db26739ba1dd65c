package io.ferry.http;

import java.time.Duration;
import okhttp3.OkHttpClient;

/**
 * What every HTTP client of Ferry does the same way, whatever API it talks to. Pure settings.
 */
public final class HttpPolicy {
  /**
   * How long a sender paused because the answers do not come from the API (a wrong url, a redirect,
   * a proxy's page) waits before looking again: a fixed proxy or server needs no restart.
   */
  public static final Duration CONFIG_RETRY = Duration.ofMinutes(1);

  /** How long a sender whose credentials were refused (401/403) waits before trying them again. */
  public static final Duration AUTH_RETRY = Duration.ofMinutes(10);

  private HttpPolicy() {}

  /**
   * {@code base} that never follows a redirect: credentials must not travel to another host, and a
   * redirect means the url is wrong ({@link HttpClassifier#notTheApi} names the Location, and the
   * caller pauses). Whether OkHttp may resend on a stale pooled connection stays each caller's
   * decision: an uplink forbids it (an Atomscale initialize must never be resent blindly), the
   * mirror's reads with a cursor are safe to repeat.
   */
  public static OkHttpClient.Builder apply(OkHttpClient.Builder base) {
    return base.followRedirects(false).followSslRedirects(false);
  }
}
