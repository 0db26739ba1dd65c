package io.ferry.drivers.opcua;

import io.ferry.core.Sample;
import io.ferry.drivers.spi.SampleSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that keeps every sample and acknowledges at once. */
final class CollectingSink implements SampleSink {
  final List<Sample> samples = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<Void> accept(List<Sample> batch) {
    samples.addAll(batch);
    return CompletableFuture.completedFuture(null);
  }

  List<Double> values(String channel) {
    return samples.stream().filter(s -> s.channel().channel().equals(channel)).map(Sample::value).toList();
  }

  List<Sample> of(String channel) {
    return samples.stream().filter(s -> s.channel().channel().equals(channel)).toList();
  }
}
