package io.ferry.http;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * What an API's answer means, decided by one pure classification function per API from
 * (status, body, headers). The engine maps a verdict to how the lease is completed.
 */
public sealed interface Verdict {
  /** Everything sent was stored. */
  record Acknowledged() implements Verdict {}

  /**
   * Part was stored; {@code missing} names what was not (GroveStreams: "component/stream" keys of
   * streams that did not exist; Atomscale: channels absent from the reply). Resend those.
   */
  record Partial(Set<String> missing, String reason) implements Verdict {
    public Partial {
      missing = Set.copyOf(missing);
    }
  }

  /** Transient: send again later, after {@code after} when the server said so (Retry-After). */
  record RetryAfter(Optional<Duration> after, String reason) implements Verdict {}

  /** The API refused this content for good: dead-letter it with the reason. */
  record Reject(String reason) implements Verdict {}

  /** The request was too large (413 or the API's limit): split it and send the halves. */
  record TooLarge(String reason) implements Verdict {}

  /** Credentials refused (401/403): pause this uplink, keep buffering. */
  record Unauthorized(String reason) implements Verdict {}

  /**
   * The answer did not come from the API, or says nothing about this request's data: a redirect, a
   * 404/405/410, another 4xx without the API's error shape, an HTML page, a 2xx whose body is not
   * the API's answer. The uplink is pointed at the wrong place (url, path, proxy): pause it, keep
   * buffering, never dead-letter the records (issue 17).
   */
  record Misconfigured(String reason) implements Verdict {}
}
