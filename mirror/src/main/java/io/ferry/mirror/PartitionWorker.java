package io.ferry.mirror;

import io.ferry.core.Backoff;
import io.ferry.core.LogGate;
import io.ferry.core.Sleeper;
import io.ferry.http.HttpPolicy;
import io.ferry.mirror.MirrorStore.PartitionState;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one partition: request with the stored cursor, apply the response and its cursor in one
 * transaction, repeat while {@code hasNext}, then long-poll. Problems are logged when they change
 * (not on every attempt) and stored for {@code ferry mirror status}.
 */
final class PartitionWorker implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionWorker.class);
  /**
   * Waits between failed requests: 1 s doubling to 60 s, plus up to 20% at random so a fleet does
   * not retry in step (written as steps of 1.2 s up to 72 s, shortened by up to a sixth: never less
   * than the plain step). A server's Retry-After is followed exactly (capped, see RetryAfter).
   */
  static final Backoff BACKOFF = new Backoff(Duration.ofMillis(1200), Duration.ofSeconds(72), 1.0 / 6);
  /** Permanent errors are retried too (access may be granted later), but no faster than after this many failures. */
  static final int PERMANENT_FAILURES = 6;
  private static final String PROBLEM = "problem";
  /** A server that answers "nothing new" faster than this is not long-polling: pause so we never spin. */
  static final Duration MIN_IDLE_CYCLE = Duration.ofSeconds(1);

  private final int partition;
  private final MirrorPlan plan;
  private final MirrorStore store;
  private final SubscriptionClient client;
  private final Authorized authorized;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private final Retention retention;
  private final RandomGenerator random;
  private final Optional<Instant> firstStart;
  private volatile boolean stopped;
  private int failures;
  /** The problem of the moment (without request id: the same problem repeating is not news). */
  private final LogGate problems = LogGate.onChange();

  PartitionWorker(int partition, MirrorPlan plan, MirrorStore store, SubscriptionClient client, Authorized authorized,
      InstantSource clock, Sleeper sleeper, Retention retention, RandomGenerator random, Instant serviceStart) {
    this.partition = partition;
    this.plan = plan;
    this.store = store;
    this.client = client;
    this.authorized = authorized;
    this.clock = clock;
    this.sleeper = sleeper;
    this.retention = retention;
    this.random = random;
    this.firstStart = plan.initializeCursors().map(v -> serviceStart.minus(InitializeCursors.age(v)));
  }

  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    while (!stopped && !Thread.currentThread().isInterrupted()) {
      try {
        step();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SQLException | RuntimeException e) {
        if (stopped) {
          return;
        }
        try {
          failed("local database: " + e.getMessage(), "", Optional.empty(), false);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** One request and what follows from its answer. */
  void step() throws SQLException, InterruptedException {
    retention.maybePrune();
    PartitionState st = store.partition(partition, firstStart);
    Instant started = clock.instant();
    Optional<String> init = st.cursor().isPresent() ? Optional.empty()
        : st.initFrom().map(from -> InitializeCursors.ago(Duration.between(from, started)));
    PollOutcome outcome = authorized.call(token -> client.poll(partition, st.cursor(), init, token));
    if (stopped) {
      return;
    }
    // Java 17 has no pattern switch; every permitted outcome is handled here.
    if (outcome instanceof PollOutcome.Data d) {
      applied(d, started);
    } else if (outcome instanceof PollOutcome.CursorRejected r) {
      rejected(st, r);
    } else if (outcome instanceof PollOutcome.RetryLater r) {
      failed(r.reason(), r.requestId(), r.retryAfter(), true);
    } else if (outcome instanceof PollOutcome.Failed f) {
      failed((f.code() > 0 ? "HTTP " + f.code() + ": " : "") + f.message(), f.requestId(), Optional.empty(), false);
    } else if (outcome instanceof PollOutcome.Unauthorized u) {
      paused("credentials refused", u.message(), u.requestId(), HttpPolicy.AUTH_RETRY,
          "fix the client's access (timeSeriesSubscriptionsAcl:READ and READ on the member time series)");
    } else if (outcome instanceof PollOutcome.Misconfigured m) {
      paused("misconfigured", m.message(), m.requestId(), HttpPolicy.CONFIG_RETRY,
          "check mirror.baseUrl (and any proxy in front of the API)");
    } else {
      throw new IllegalStateException("unhandled outcome " + outcome);
    }
  }

  private void applied(PollOutcome.Data d, Instant started) throws SQLException, InterruptedException {
    SubscriptionBatch batch = d.batch();
    if (!batch.nextCursors().containsKey(partition)) {
      failed("the response has no nextCursor for partition " + partition, d.requestId(), Optional.empty(), true);
      return;
    }
    store.apply(partition, batch, clock.instant());
    if (failures > 0 || problems.current(PROBLEM).isPresent()) {
      LOG.info("mirror partition {} of {}: requests succeed again", partition, plan.subscription());
    }
    failures = 0;
    problems.clear();
    if (!batch.hasNext() && batch.size() == 0) {
      Duration took = Duration.between(started, clock.instant());
      if (took.compareTo(MIN_IDLE_CYCLE) < 0) {
        sleeper.sleep(MIN_IDLE_CYCLE.minus(took.isNegative() ? Duration.ZERO : took));
      }
    }
  }

  private void rejected(PartitionState st, PollOutcome.CursorRejected r) throws SQLException, InterruptedException {
    if (st.cursor().isEmpty()) {
      // We sent no cursor: the complaint is about initializeCursors or the request itself.
      failed("HTTP " + r.code() + ": " + r.message(), r.requestId(), Optional.empty(), false);
      return;
    }
    Instant now = clock.instant();
    Optional<Instant> from = st.caughtUpAt().map(t -> t.minus(plan.cursorMargin())).or(() -> firstStart);
    String where = from.map(t -> InitializeCursors.ago(Duration.between(t, now)) + " (" + t + ")").orElse("the start of the stream");
    String msg = "server rejected the stored cursor (HTTP " + r.code() + ": " + r.message() + requestIdSuffix(r.requestId())
        + "); re-reading from " + where;
    LOG.warn("mirror partition {} of {}: {}; re-delivered points are overwritten with the same values",
        partition, plan.subscription(), msg);
    store.reinitialize(partition, from, msg, now);
    problems.admit(PROBLEM, msg);
  }

  private void failed(String reason, String requestId, Optional<Duration> retryAfter, boolean transientProblem)
      throws InterruptedException {
    failures++;
    String msg = reason + requestIdSuffix(requestId);
    if (problems.admit(PROBLEM, reason).isPresent()) {
      if (transientProblem) {
        LOG.warn("mirror partition {} of {}: {}; retrying with back-off", partition, plan.subscription(), msg);
      } else {
        LOG.error("mirror partition {} of {}: {}; retrying with back-off until it is fixed", partition, plan.subscription(), msg);
      }
    }
    record(msg);
    int f = transientProblem ? failures : Math.max(failures, PERMANENT_FAILURES);
    sleeper.sleep(BACKOFF.delay(f, retryAfter, random));
  }

  /**
   * As an uplink pauses ({@code PAUSED_AUTH}, {@code PAUSED_CONFIG}): the answer says the mirror is
   * pointed at the wrong place or lacks access, which no back-off fixes. Say so once, keep the
   * stored cursor (nothing is lost), and look again after {@code wait}: a fixed proxy or a granted
   * access needs no restart.
   */
  private void paused(String why, String reason, String requestId, Duration wait, String advice) throws InterruptedException {
    failures++;
    String msg = why + ", paused: " + reason + requestIdSuffix(requestId);
    if (problems.admit(PROBLEM, why + ": " + reason).isPresent()) {
      LOG.error("mirror partition {} of {}: {}; nothing is lost; {}; trying again every {}",
          partition, plan.subscription(), msg, advice, wait);
    }
    record(msg);
    sleeper.sleep(wait);
  }

  private void record(String msg) {
    try {
      store.recordError(partition, msg, clock.instant());
    } catch (SQLException e) {
      LOG.debug("cannot record the mirror error", e);
    }
  }

  private static String requestIdSuffix(String requestId) {
    return requestId == null || requestId.isEmpty() ? "" : " [x-request-id " + requestId + "]";
  }
}
