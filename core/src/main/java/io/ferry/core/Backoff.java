package io.ferry.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The one retry-delay policy of Ferry (drivers reconnecting, uplinks and the mirror retrying):
 * {@code initial} after the first failure, doubled after every further one up to {@code max}.
 * Immutable and pure: the caller passes the failure count, the time and the randomness.
 *
 * <p>{@code jitter} is the share of each step drawn at random, downwards: the delay lies in
 * {@code [(1 - jitter) * step, step]}. 0 waits exactly the step; 0.5 is "equal jitter", so a fleet
 * of gateways does not retry a restarted server in lock-step. A server's Retry-After replaces the
 * computed delay, capped at {@link RetryAfter#CAP}.
 *
 * @param jitter in [0, 1]
 */
public record Backoff(Duration initial, Duration max, double jitter) {
  /** Half to all of each step. */
  public static final double EQUAL_JITTER = 0.5;

  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be in [0, 1], got " + jitter);
    }
  }

  /** Exact delays, no jitter. */
  public static Backoff of(Duration initial, Duration max) {
    return new Backoff(initial, max, 0);
  }

  public Backoff withJitter(double share) {
    return new Backoff(initial, max, share);
  }

  /** The step after {@code failures} consecutive failures: 0 for none, then initial·2^(failures−1) up to max. */
  public Duration step(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    long initialNanos = initial.toNanos();
    int shift = Math.min(failures - 1, 62);
    long nanos = initialNanos << shift;
    if (nanos <= 0 || (nanos >> shift) != initialNanos || nanos > max.toNanos()) {
      return max;
    }
    return Duration.ofNanos(nanos);
  }

  /** The delay after {@code failures} consecutive failures, jittered with {@code random} (unused without jitter). */
  public Duration delay(int failures, RandomGenerator random) {
    Duration step = step(failures);
    if (jitter == 0 || step.isZero()) {
      return step;
    }
    long ms = step.toMillis();
    return Duration.ofMillis(ms - (long) (ms * jitter * random.nextDouble()));
  }

  /** As {@link #delay(int, RandomGenerator)}, but a server's Retry-After is followed exactly, capped at {@link RetryAfter#CAP}. */
  public Duration delay(int failures, Optional<Duration> retryAfter, RandomGenerator random) {
    return retryAfter.map(RetryAfter::capped).orElseGet(() -> delay(failures, random));
  }

  /** A fresh {@link State} of this policy: no failures, nothing to wait for. */
  public State start() {
    return new State(this, 0, Instant.EPOCH);
  }

  /**
   * Where a retrying component stands: its consecutive failures and the instant before which it
   * should not try again. Immutable: each event returns the next state.
   *
   * @param notBefore no attempt before this instant (EPOCH when none is pending)
   */
  public record State(Backoff policy, int failures, Instant notBefore) {
    /** One more failure at {@code now}: waits the policy's step (its jitter, if any, drawn from {@code random}). */
    public State failed(Instant now, RandomGenerator random) {
      return new State(policy, failures + 1, now.plus(policy.delay(failures + 1, random)));
    }

    /** One more failure at {@code now} under a policy without jitter. */
    public State failed(Instant now) {
      if (policy.jitter() != 0) {
        throw new IllegalStateException("a jittered backoff needs randomness: use failed(now, random)");
      }
      return failed(now, null);
    }

    public State succeeded() {
      return failures == 0 ? this : policy.start();
    }

    public boolean allows(Instant now) {
      return !now.isBefore(notBefore);
    }

    /** The un-jittered wait the last failure asked for (zero when none). */
    public Duration lastStep() {
      return policy.step(failures);
    }
  }
}
