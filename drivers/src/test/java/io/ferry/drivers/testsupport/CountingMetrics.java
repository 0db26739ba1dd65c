package io.ferry.drivers.testsupport;

import io.ferry.drivers.spi.DriverMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Records what a driver counts and every state it reports. */
public final class CountingMetrics implements DriverMetrics {
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  public final List<String> states = new CopyOnWriteArrayList<>();

  @Override
  public void increment(String counter, long delta) {
    counters.computeIfAbsent(counter, k -> new AtomicLong()).addAndGet(delta);
  }

  @Override
  public void state(String state) {
    states.add(state);
  }

  public long get(String counter) {
    AtomicLong v = counters.get(counter);
    return v == null ? 0 : v.get();
  }

  /** The last state reported, "" before any. */
  public String state() {
    return states.isEmpty() ? "" : states.get(states.size() - 1);
  }
}
