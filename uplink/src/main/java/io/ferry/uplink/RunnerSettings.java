package io.ferry.uplink;

import io.ferry.config.BackoffKeys;
import io.ferry.config.Fields;
import io.ferry.core.Backoff;
import io.ferry.http.HttpPolicy;
import java.time.Duration;

/**
 * The engine's knobs for one uplink, read from common keys of its section.
 *
 * @param batchRecords records per lease (the batch is halved after a "too large" answer)
 * @param minInterval least time between two calls to the API (rate limits)
 * @param backoff waits after failures
 * @param leaseTtl a lease not completed in this time is released by the buffer
 * @param idlePoll how often an empty queue is looked at again
 * @param authRetry how long a paused (401/403) uplink waits before trying its credentials again
 * @param progressEvery how often catch-up progress is logged
 * @param connectTimeout TCP/TLS connect timeout
 * @param readTimeout socket read timeout
 * @param callTimeout whole-call timeout
 * @param configRetry how long an uplink paused because the answers do not come from the API (wrong
 *     url, redirect, proxy page) waits before trying again
 */
public record RunnerSettings(
    int batchRecords,
    Duration minInterval,
    Backoff backoff,
    Duration leaseTtl,
    Duration idlePoll,
    Duration authRetry,
    Duration progressEvery,
    Duration connectTimeout,
    Duration readTimeout,
    Duration callTimeout,
    Duration configRetry) {

  /** The settings without {@code configRetry} (one minute). */
  public RunnerSettings(int batchRecords, Duration minInterval, Backoff backoff, Duration leaseTtl, Duration idlePoll,
      Duration authRetry, Duration progressEvery, Duration connectTimeout, Duration readTimeout, Duration callTimeout) {
    this(batchRecords, minInterval, backoff, leaseTtl, idlePoll, authRetry, progressEvery, connectTimeout, readTimeout, callTimeout,
        DEFAULT_CONFIG_RETRY);
  }

  public static final Duration DEFAULT_CONFIG_RETRY = HttpPolicy.CONFIG_RETRY;

  /**
   * Reads the common engine keys: {@code batchSize}, {@code minInterval}, {@code backoffInitial},
   * {@code backoffMax}, {@code timeout} (call), {@code connectTimeout}, {@code readTimeout},
   * {@code authRetry}, {@code configRetry}, {@code progressEvery}.
   */
  public static RunnerSettings read(Fields f, int defaultBatch, Duration defaultMinInterval, Duration defaultBackoff) {
    int batch = f.integer("batchSize", defaultBatch, 1, 1_000_000);
    Duration minInterval = f.duration("minInterval", defaultMinInterval, Duration.ZERO, Duration.ofHours(1));
    // Equal jitter: gateways that lost the same API at once must not come back in lock-step.
    Backoff backoff = BackoffKeys.read(f, defaultBackoff, Duration.ofMinutes(5)).withJitter(Backoff.EQUAL_JITTER);
    Duration call = f.duration("timeout", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMinutes(30));
    Duration connect = f.duration("connectTimeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5));
    Duration read = f.duration("readTimeout", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofMinutes(30));
    Duration authRetry = f.duration("authRetry", HttpPolicy.AUTH_RETRY, Duration.ofSeconds(1), Duration.ofDays(1));
    Duration configRetry = f.duration("configRetry", DEFAULT_CONFIG_RETRY, Duration.ofSeconds(1), Duration.ofDays(1));
    Duration progress = f.duration("progressEvery", Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(1));
    Duration lease = call.multipliedBy(2).plus(minInterval).plus(Duration.ofSeconds(30));
    return new RunnerSettings(batch, minInterval, backoff, lease, Duration.ofMillis(500), authRetry,
        progress, connect, read, call, configRetry);
  }
}
