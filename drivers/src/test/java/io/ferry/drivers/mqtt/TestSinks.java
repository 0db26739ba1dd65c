package io.ferry.drivers.mqtt;

import io.ferry.core.Sample;
import io.ferry.drivers.spi.SampleSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A recording sink for the MQTT driver tests (metrics: {@link io.ferry.drivers.testsupport.CountingMetrics}). */
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
}
