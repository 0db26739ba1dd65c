package io.ferry.core;

import java.time.Instant;
import java.time.InstantSource;

/** Conversions between {@link Instant} and the microseconds-since-epoch that samples carry. */
public final class MicroTime {
  private MicroTime() {}

  public static long micros(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  public static long now(InstantSource clock) {
    return micros(clock.instant());
  }

  public static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }
}
