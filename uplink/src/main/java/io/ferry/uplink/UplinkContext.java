package io.ferry.uplink;

import io.ferry.buffer.Buffer;
import io.ferry.core.Sleeper;
import java.time.InstantSource;
import java.util.Objects;
import java.util.random.RandomGenerator;
import okhttp3.OkHttpClient;

/**
 * What the agent injects into an uplink: the buffer, the clock, an HTTP client to derive
 * per-uplink clients from (shares the connection pool and dispatcher), how to wait (tests pass a
 * {@link Sleeper} that advances a fake clock) and the randomness used for backoff jitter.
 */
public record UplinkContext(
    Buffer buffer, InstantSource clock, OkHttpClient http, Sleeper sleeper, RandomGenerator random) {
  public UplinkContext {
    Objects.requireNonNull(buffer, "buffer");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(random, "random");
  }

  /** Production wiring: system clock, real sleeping, a fresh OkHttp client. */
  public static UplinkContext system(Buffer buffer) {
    return new UplinkContext(buffer, InstantSource.system(), new OkHttpClient(), Sleeper.system(), new java.util.SplittableRandom());
  }
}
