package io.ferry.drivers.opcua;

import io.ferry.drivers.spi.DriverMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Keeps what a driver reports, for assertions. */
final class RecordingMetrics implements DriverMetrics {
  final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  final List<String> states = new CopyOnWriteArrayList<>();
  /** Every gauge setting, in order, as "name=value". */
  final List<String> gauges = new CopyOnWriteArrayList<>();
  final Map<String, Long> gaugeValues = new ConcurrentHashMap<>();

  @Override
  public void gauge(String name, long value) {
    gauges.add(name + "=" + value);
    gaugeValues.put(name, value);
  }

  @Override
  public void increment(String counter, long delta) {
    counters.computeIfAbsent(counter, k -> new AtomicLong()).addAndGet(delta);
  }

  @Override
  public void state(String state) {
    states.add(state);
  }

  long count(String counter) {
    AtomicLong v = counters.get(counter);
    return v == null ? 0 : v.get();
  }
}
