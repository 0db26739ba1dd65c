package io.ferry.mirror;

import io.ferry.core.LogGate;
import io.ferry.core.Sleeper;
import io.ferry.http.ClientCredentials;
import io.ferry.http.HttpPolicy;
import io.ferry.http.Reply;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors one Cognite datapoint subscription into the {@code mirror_*} tables of the buffer's
 * database. {@link #start()} opens the tables and returns at once; a thread finds the partitions
 * (asking the API when the plan says "all") and runs one worker thread per partition.
 * {@link #close()} stops them (cancelling long polls) and closes the connection; whatever was
 * committed stays consistent, and the next start resumes from the stored cursors.
 */
public final class MirrorService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MirrorService.class);

  private final MirrorPlan plan;
  private final Path database;
  private final InstantSource clock;
  private final OkHttpClient http;
  private final Sleeper sleeper;
  private final List<PartitionWorker> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private MirrorStore store;
  private SubscriptionClient client;
  private volatile String state = "stopped";
  private volatile boolean closing;
  /** Read just before the connection closed, so a status asked for after the stop (the final status line) is true. */
  private MirrorStatus last;

  /**
   * @param database the buffer's SQLite file ({@code Buffer.file()}); the mirror opens its own connection
   * @param http a shared client; the mirror derives one with timeouts that fit its long polls
   * @param sleeper waits between retries ({@link Sleeper#system()} in production)
   */
  public MirrorService(MirrorPlan plan, Path database, InstantSource clock, OkHttpClient http, Sleeper sleeper) {
    this.plan = Objects.requireNonNull(plan, "plan");
    this.database = Objects.requireNonNull(database, "database");
    this.clock = Objects.requireNonNull(clock, "clock");
    // The one HTTP policy of uplinks and the mirror: no redirects (a token must never travel to
    // another host; a 3xx pauses the mirror naming its Location).
    this.http = HttpPolicy.apply(Objects.requireNonNull(http, "http").newBuilder()
        .readTimeout(plan.pollTimeout().plusSeconds(30).toMillis(), TimeUnit.MILLISECONDS)
        .callTimeout(plan.pollTimeout().plusSeconds(90).toMillis(), TimeUnit.MILLISECONDS))
        .build();
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /**
   * Opens (creating when missing) the mirror tables and starts mirroring in the background.
   *
   * @throws SQLException when the database cannot be opened; nothing is started then
   */
  public synchronized void start() throws SQLException {
    if (store != null) {
      throw new IllegalStateException("already started");
    }
    store = MirrorStore.open(database, plan.subscription());
    client = new SubscriptionClient(plan, http, clock);
    ClientCredentials tokens = new ClientCredentials(new ClientCredentials.Grant(plan.tokenUrl(), plan.clientId(),
        plan.clientSecret(), plan.scopes(), plan.audience()), clock);
    Authorized authorized = new Authorized(tokens, request -> {
      try (Response response = http.newCall(request).execute()) {
        return Reply.of(response);
      }
    });
    Retention retention = new Retention(store, plan.retention(), clock);
    Instant startedAt = clock.instant();
    state = "starting";
    Thread t = new Thread(() -> launch(authorized, retention, startedAt), "ferry-mirror");
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private void launch(Authorized authorized, Retention retention, Instant startedAt) {
    List<Integer> partitions = plan.partitions();
    if (partitions.isEmpty()) {
      Optional<Integer> count = partitionCount(authorized);
      if (count.isEmpty()) {
        return; // closed while asking
      }
      partitions = new ArrayList<>();
      for (int i = 0; i < count.get(); i++) {
        partitions.add(i);
      }
    }
    synchronized (this) {
      if (closing) {
        return;
      }
      SplittableRandom seed = new SplittableRandom();
      for (int p : partitions) {
        PartitionWorker w = new PartitionWorker(p, plan, store, client, authorized, clock, sleeper, retention,
            seed.split(), startedAt);
        Thread t = new Thread(w, "ferry-mirror-p" + p);
        t.setDaemon(true);
        workers.add(w);
        threads.add(t);
        t.start();
      }
      state = "running";
    }
    LOG.info("mirror: following subscription {} of project {}, partitions {}", plan.subscription(), plan.project(), partitions);
  }

  /** Asks {@code byids} for the partition count, retrying with back-off; empty when closed meanwhile. */
  private Optional<Integer> partitionCount(Authorized authorized) {
    LogGate lookupFailures = LogGate.onChange();
    SplittableRandom random = new SplittableRandom();
    for (int failures = 1; !closing; failures++) {
      PollOutcome[] failure = new PollOutcome[1];
      int[] count = {0};
      authorized.call(token -> {
        SubscriptionClient.CountOutcome o = client.partitionCount(token);
        if (o instanceof SubscriptionClient.Count c) {
          count[0] = c.partitions();
          return new PollOutcome.Failed(0, "", "");
        }
        failure[0] = ((SubscriptionClient.NoCount) o).failure();
        return failure[0];
      });
      if (count[0] > 0) {
        return Optional.of(count[0]);
      }
      String msg = describe(failure[0]);
      if (lookupFailures.admit("lookup", msg).isPresent()) {
        LOG.error("mirror: cannot look up subscription {}: {}; retrying", plan.subscription(), msg);
      }
      state = "starting (subscription lookup failed: " + msg + ")";
      Optional<Duration> ra = failure[0] instanceof PollOutcome.RetryLater r ? r.retryAfter() : Optional.empty();
      try {
        if (failure[0] instanceof PollOutcome.Unauthorized) {
          sleeper.sleep(HttpPolicy.AUTH_RETRY);
        } else if (failure[0] instanceof PollOutcome.Misconfigured) {
          sleeper.sleep(HttpPolicy.CONFIG_RETRY);
        } else {
          int f = failure[0] instanceof PollOutcome.RetryLater ? failures : Math.max(failures, PartitionWorker.PERMANENT_FAILURES);
          sleeper.sleep(PartitionWorker.BACKOFF.delay(f, ra, random));
        }
      } catch (InterruptedException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static String describe(PollOutcome o) {
    if (o == null) {
      return "no answer";
    }
    String rid = o.requestId().isEmpty() ? "" : " [x-request-id " + o.requestId() + "]";
    if (o instanceof PollOutcome.Failed f) {
      return (f.code() > 0 ? "HTTP " + f.code() + ": " : "") + f.message() + rid;
    }
    if (o instanceof PollOutcome.RetryLater r) {
      return r.reason() + rid;
    }
    if (o instanceof PollOutcome.CursorRejected c) {
      return "HTTP " + c.code() + ": " + c.message() + rid;
    }
    if (o instanceof PollOutcome.Unauthorized u) {
      return "credentials refused, paused: " + u.message() + rid;
    }
    if (o instanceof PollOutcome.Misconfigured m) {
      return "misconfigured, paused: " + m.message() + rid;
    }
    return "unexpected answer" + rid;
  }

  /** Counts, lag and per-partition cursors, read from the tables; state {@code stopped} before start. */
  public MirrorStatus status() {
    MirrorStore s;
    MirrorStatus stopped;
    synchronized (this) {
      s = store;
      stopped = last;
    }
    if (stopped != null) {
      return stopped;
    }
    if (s == null) {
      return new MirrorStatus(state, 0, 0, 0, Optional.empty(), Optional.empty(), List.of());
    }
    try {
      return s.status(state, clock.instant());
    } catch (SQLException e) {
      if (closing) {
        // Asked while close() closes the connection: not a failure, the stop.
        return new MirrorStatus("stopping", 0, 0, 0, Optional.empty(), Optional.empty(), List.of());
      }
      return new MirrorStatus(state + " (status unreadable: " + e.getMessage() + ")", 0, 0, 0, Optional.empty(), Optional.empty(), List.of());
    }
  }

  /** Stops the workers (cancelling requests in flight), waits for them briefly and closes the connection. */
  @Override
  public void close() {
    List<Thread> toJoin;
    synchronized (this) {
      if (store == null || closing) {
        return;
      }
      closing = true;
      workers.forEach(PartitionWorker::stop);
      toJoin = new ArrayList<>(threads);
    }
    client.cancelAll();
    toJoin.forEach(Thread::interrupt);
    for (Thread t : toJoin) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    synchronized (this) {
      try {
        last = store.status("stopped", clock.instant());
      } catch (SQLException e) {
        last = new MirrorStatus("stopped", 0, 0, 0, Optional.empty(), Optional.empty(), List.of());
        LOG.warn("mirror: reading the final status failed: {}", e.getMessage());
      }
      try {
        store.close();
      } catch (SQLException e) {
        LOG.warn("mirror: closing the database connection failed: {}", io.ferry.config.IoCauses.message(e));
      }
      state = "stopped";
    }
  }
}
