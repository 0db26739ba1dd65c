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
 * {@link Sleeper} that advances a fake clock), the randomness used for backoff jitter, and which
 * instruments are down ({@link InstrumentWatch}, the agent's verdict).
 */
public record UplinkContext(
    Buffer buffer, InstantSource clock, OkHttpClient http, Sleeper sleeper, RandomGenerator random, InstrumentWatch instruments) {
  public UplinkContext {
    Objects.requireNonNull(buffer, "buffer");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(instruments, "instruments");
  }

  /** Outside an agent: every instrument counts as up ({@link InstrumentWatch#ALL_UP}). */
  public UplinkContext(Buffer buffer, InstantSource clock, OkHttpClient http, Sleeper sleeper, RandomGenerator random) {
    this(buffer, clock, http, sleeper, random, InstrumentWatch.ALL_UP);
  }

  /** Production wiring: system clock, real sleeping, a fresh OkHttp client. */
  public static UplinkContext system(Buffer buffer) {
    return new UplinkContext(buffer, InstantSource.system(), new OkHttpClient(), Sleeper.system(), new java.util.SplittableRandom());
  }
}
