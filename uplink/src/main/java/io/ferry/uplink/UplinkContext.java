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
 * {@link Sleeper} that advances a fake clock), the randomness used for backoff jitter, which
 * instruments are down ({@link InstrumentWatch}, the agent's verdict) and how a command an uplink
 * receives becomes a write ({@link InstrumentWrites}, the agent's write service).
 */
public record UplinkContext(Buffer buffer, InstantSource clock, OkHttpClient http, Sleeper sleeper, RandomGenerator random,
    InstrumentWatch instruments, InstrumentWrites writes) {
  public UplinkContext {
    Objects.requireNonNull(buffer, "buffer");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(instruments, "instruments");
    Objects.requireNonNull(writes, "writes");
  }

  /** Without writes ({@link InstrumentWrites#NONE}): a command received is refused. */
  public UplinkContext(Buffer buffer, InstantSource clock, OkHttpClient http, Sleeper sleeper, RandomGenerator random, InstrumentWatch instruments) {
    this(buffer, clock, http, sleeper, random, instruments, InstrumentWrites.NONE);
  }

  /** Outside an agent: every instrument counts as up ({@link InstrumentWatch#ALL_UP}), no writes. */
  public UplinkContext(Buffer buffer, InstantSource clock, OkHttpClient http, Sleeper sleeper, RandomGenerator random) {
    this(buffer, clock, http, sleeper, random, InstrumentWatch.ALL_UP);
  }

  /** Production wiring: system clock, real sleeping, a fresh OkHttp client. */
  public static UplinkContext system(Buffer buffer) {
    return new UplinkContext(buffer, InstantSource.system(), new OkHttpClient(), Sleeper.system(), new java.util.SplittableRandom());
  }
}
