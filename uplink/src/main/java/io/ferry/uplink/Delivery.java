package io.ferry.uplink;

import io.ferry.buffer.BufferRecord;
import io.ferry.http.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How a batch ended, as a {@link BatchHandler} reports it to the engine, which completes the
 * lease accordingly. Exactly one per lease.
 */
public sealed interface Delivery {
  /**
   * The delivery a failed verdict asks for, kind for kind, for handlers whose API needs no wording
   * of its own: retry (after the server's delay), dead-letter {@code rejected} (asked for only on a
   * rejection), lease fewer, or pause for the credentials or the address. An acknowledgment is not
   * a failure: passing one is a bug.
   */
  static Delivery ofFailed(Verdict failed, Supplier<List<? extends BufferRecord>> rejected) {
    if (failed instanceof Verdict.RetryAfter r) {
      return new Retry(r.after(), r.reason());
    } else if (failed instanceof Verdict.Reject r) {
      return new Rejected(rejected.get(), r.reason());
    } else if (failed instanceof Verdict.TooLarge t) {
      return new TooLarge(t.reason());
    } else if (failed instanceof Verdict.Unauthorized u) {
      return new Unauthorized(u.reason());
    } else if (failed instanceof Verdict.Misconfigured m) {
      return new Misconfigured(m.reason());
    }
    throw new IllegalStateException("a failed answer cannot be " + failed);
  }

  /** Every record of the lease was delivered (or deliberately dropped and counted in {@code dropped}). */
  record Acked(int dropped) implements Delivery {}

  /**
   * These records were delivered (or dropped and counted); the lease's others are released to be
   * leased again (a batch cut at an API limit, or a chunk that is not full yet).
   * {@code more} says whether the released records can be sent at once.
   */
  record Partial(List<? extends BufferRecord> delivered, int dropped, boolean more) implements Delivery {
    public Partial {
      delivered = List.copyOf(delivered);
    }
  }

  /** Nothing was delivered; try again after {@code after} (or the engine's backoff when empty). */
  record Retry(Optional<Duration> after, String reason) implements Delivery {}

  /** These records are refused for good (dead letters); the others are released. */
  record Rejected(List<? extends BufferRecord> records, String reason) implements Delivery {
    public Rejected {
      records = List.copyOf(records);
    }
  }

  /** The batch is too large for the API: lease fewer records next time. */
  record TooLarge(String reason) implements Delivery {}

  /** The credentials were refused: pause. */
  record Unauthorized(String reason) implements Delivery {}

  /**
   * The server that answered is not the API, or not at this address (see {@link Verdict.Misconfigured}):
   * nothing is dead-lettered, the lease is released and the uplink pauses for {@code configRetry}.
   */
  record Misconfigured(String reason) implements Delivery {}

  /** Nothing to send now (records wait for more data, e.g. an Atomscale chunk not yet full). */
  record NothingReady() implements Delivery {}
}
