package io.ferry.drivers.spi;

/** A driver that delivers samples as they come (subscriptions, MQTT, streaming serial). */
public non-sealed interface StreamingDriver extends Driver {
  /** Starts delivering to {@code sink} and returns at once; keeps reconnecting until {@link #close()}. */
  void start(SampleSink sink);
}
