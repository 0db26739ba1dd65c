package io.ferry.drivers.spi;

import io.ferry.core.Sample;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Where a streaming driver delivers samples: the buffer. */
@FunctionalInterface
public interface SampleSink {
  /**
   * Completes once the samples are durable, or exceptionally when they were refused; a driver
   * that can (MQTT) acknowledges its source only after completion.
   */
  CompletionStage<Void> accept(List<Sample> samples);
}
