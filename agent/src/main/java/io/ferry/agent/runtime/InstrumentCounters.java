package io.ferry.agent.runtime;

import io.ferry.config.InstrumentInfo;
import io.ferry.core.MicroTime;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.SampleSink;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instrument's counters, written by its threads and read by the status line and health. The
 * scheduler keeps them from the instrument's first start until it is removed, so a reload that
 * restarts the instrument carries them on.
 */
final class InstrumentCounters {
  private static final Logger LOG = LoggerFactory.getLogger(InstrumentCounters.class);

  final String instrument;
  private final InstantSource clock;
  final long startedMicros;
  /** The plan it runs now (a reload may change it). */
  volatile InstrumentInfo info;
  final AtomicLong polls = new AtomicLong();
  final AtomicLong empty = new AtomicLong();
  final AtomicLong skippedBackoff = new AtomicLong();
  final AtomicLong samples = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong timeouts = new AtomicLong();
  final AtomicLong missedTicks = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong skippedConnecting = new AtomicLong();
  volatile boolean pollInFlight;
  volatile long lastPollMicros;
  volatile long lastGoodMicros;
  volatile String lastError = "";
  private volatile boolean refusing;

  InstrumentCounters(InstrumentInfo info, InstantSource clock) {
    this.instrument = info.id();
    this.info = info;
    this.clock = clock;
    this.startedMicros = MicroTime.now(clock);
  }

  PollStats snapshot() {
    InstrumentInfo i = info;
    return new PollStats(instrument, polls.get(), empty.get(), samples.get(), errors.get(), timeouts.get(), missedTicks.get(),
        refused.get(), skippedConnecting.get(), skippedBackoff.get(), pollInFlight, lastPollMicros, lastGoodMicros,
        startedMicros, lastError, i.poll(), i.pollTimeout(), i.stale());
  }

  /** A streaming driver's batch: the age of the last good sample is what judges a streaming instrument. */
  CompletionStage<Void> streamed(SampleSink sink, List<Sample> batch) {
    if (batch.stream().anyMatch(s -> s.quality() == Quality.GOOD)) {
      lastGoodMicros = MicroTime.now(clock);
    }
    return deliver(sink, batch);
  }

  /**
   * Hands samples to the sink without waiting for durability (the buffer commits in batches);
   * counts them, and counts them again as refused when the sink fails. Returns the sink's stage.
   */
  CompletionStage<Void> deliver(SampleSink sink, List<Sample> batch) {
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    samples.addAndGet(batch.size());
    CompletionStage<Void> stage;
    try {
      stage = sink.accept(batch);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return stage.whenComplete((ok, failure) -> {
      if (failure != null) {
        refused.addAndGet(batch.size());
        if (!refusing) {
          refusing = true;
          LOG.warn("instrument {}: the buffer refused samples ({}); further refusals are counted", instrument, describe(failure));
        }
      } else if (refusing) {
        refusing = false;
        LOG.info("instrument {}: the buffer accepts samples again", instrument);
      }
    });
  }

  /** A driver's failure as the operator reads it (log line, status page, {@code ferry status}): words, no class name. */
  static String describe(Throwable e) {
    String text = io.ferry.config.IoCauses.message(e);
    // The exception itself (type, stack) stays for whoever debugs: "internal error" points here.
    LOG.debug("failure described as \"{}\"", text, e);
    return text;
  }
}
