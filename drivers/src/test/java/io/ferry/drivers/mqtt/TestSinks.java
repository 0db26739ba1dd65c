package io.ferry.drivers.mqtt;

import io.ferry.core.Sample;
import io.ferry.drivers.spi.DriverMetrics;
import io.ferry.drivers.spi.SampleSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A recording sink and counting metrics for driver tests. */
final class TestSinks {
  private TestSinks() {}

  /** Records every batch; completes at once unless {@link #hold} is set, then keeps the futures. */
  static final class RecordingSink implements SampleSink {
    final List<Sample> samples = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
    volatile boolean hold;
    volatile RuntimeException refuseWith;

    @Override
    public CompletionStage<Void> accept(List<Sample> batch) {
      samples.addAll(batch);
      if (refuseWith != null) {
        return CompletableFuture.failedFuture(refuseWith);
      }
      if (hold) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        held.add(f);
        return f;
      }
      return CompletableFuture.completedFuture(null);
    }

    List<Double> values() {
      List<Double> out = new ArrayList<>();
      for (Sample s : samples) {
        out.add(s.value());
      }
      return out;
    }
  }

  static final class CountingMetrics implements DriverMetrics {
    final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    final List<String> states = new CopyOnWriteArrayList<>();

    @Override
    public void increment(String counter, long delta) {
      counters.computeIfAbsent(counter, k -> new AtomicLong()).addAndGet(delta);
    }

    @Override
    public void state(String state) {
      states.add(state);
    }

    long get(String counter) {
      AtomicLong v = counters.get(counter);
      return v == null ? 0 : v.get();
    }

    String state() {
      return states.isEmpty() ? "" : states.get(states.size() - 1);
    }
  }
}
