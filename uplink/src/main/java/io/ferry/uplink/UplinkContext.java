package io.ferry.uplink;

import io.ferry.buffer.Buffer;
import io.ferry.core.Sleeper;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import okhttp3.OkHttpClient;

/**
 * What the agent injects into an uplink: the buffer, the clock, an HTTP client to derive
 * per-uplink clients from (shares the connection pool and dispatcher), how to wait (tests pass a
 * {@link Sleeper} that advances a fake clock), the randomness used for backoff jitter, which
 * instruments are down ({@link InstrumentWatch}, the agent's verdict), the live
 * {@link ChannelCatalog} (the agent swaps its snapshot on reload; read it per lease, never keep one)
 * and how a command an uplink receives becomes a write ({@link InstrumentWrites}, the agent's write
 * service).
 */
public record UplinkContext(
    Buffer buffer, InstantSource clock, OkHttpClient http, Sleeper sleeper, RandomGenerator random,
    InstrumentWatch instruments, Supplier<ChannelCatalog> catalog, InstrumentWrites writes) {
  public UplinkContext {
    Objects.requireNonNull(buffer, "buffer");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(instruments, "instruments");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(writes, "writes");
  }

  /** With the agent's verdicts and write service, no channel metadata. */
  public UplinkContext(Buffer buffer, InstantSource clock, OkHttpClient http, Sleeper sleeper, RandomGenerator random,
      InstrumentWatch instruments, InstrumentWrites writes) {
    this(buffer, clock, http, sleeper, random, instruments, () -> ChannelCatalog.EMPTY, writes);
  }

  /**
   * Outside an agent: every instrument counts as up ({@link InstrumentWatch#ALL_UP}), no channel
   * metadata ({@link ChannelCatalog#EMPTY}), no writes ({@link InstrumentWrites#NONE}: a command
   * received is refused): for uplinks and tests that look nothing up.
   */
  public UplinkContext(Buffer buffer, InstantSource clock, OkHttpClient http, Sleeper sleeper, RandomGenerator random) {
    this(buffer, clock, http, sleeper, random, InstrumentWatch.ALL_UP, () -> ChannelCatalog.EMPTY, InstrumentWrites.NONE);
  }

  /** With the agent's verdicts, no channel metadata. */
  public UplinkContext(Buffer buffer, InstantSource clock, OkHttpClient http, Sleeper sleeper, RandomGenerator random,
      InstrumentWatch instruments) {
    this(buffer, clock, http, sleeper, random, instruments, () -> ChannelCatalog.EMPTY, InstrumentWrites.NONE);
  }

  /** With channel metadata, every instrument up. */
  public UplinkContext(Buffer buffer, InstantSource clock, OkHttpClient http, Sleeper sleeper, RandomGenerator random,
      Supplier<ChannelCatalog> catalog) {
    this(buffer, clock, http, sleeper, random, InstrumentWatch.ALL_UP, catalog, InstrumentWrites.NONE);
  }

  /** The same context with a fixed catalog of these channels' metadata. */
  public UplinkContext withCatalog(ChannelCatalog fixed) {
    return new UplinkContext(buffer, clock, http, sleeper, random, instruments, () -> fixed, writes);
  }

  /** Production wiring: system clock, real sleeping, a fresh OkHttp client. */
  public static UplinkContext system(Buffer buffer) {
    return new UplinkContext(buffer, InstantSource.system(), new OkHttpClient(), Sleeper.system(), new java.util.SplittableRandom());
  }
}
