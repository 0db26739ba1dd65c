package io.ferry.uplink;

import java.util.Set;

/**
 * Which instruments are down now, by the agent's one definition of "up" (the verdict behind
 * {@code /health}, the status page and {@code ferry status}). The agent implements it and hands it to
 * every uplink in its {@link UplinkContext}; an uplink that reports device state (the Sparkplug DDEATH
 * and DBIRTH) reads it and never judges an instrument on its own. This interface is the whole
 * contract: the uplink module does not see the agent.
 */
public interface InstrumentWatch {
  /** Every instrument is up, always: for uplinks opened outside an agent (tools, benchmarks, tests). */
  InstrumentWatch ALL_UP = new InstrumentWatch() {
    @Override
    public Set<String> down() {
      return Set.of();
    }

    @Override
    public Subscription onChange(Runnable changed) {
      return () -> {};
    }
  };

  /** The ids of the instruments down now; cheap (the watch keeps it, it does not judge per call). */
  Set<String> down();

  /**
   * Calls {@code changed} after {@link #down()} changed, on the watch's own thread: it must return at
   * once (hand the work to a thread of its own). Until {@link Subscription#close()}.
   */
  Subscription onChange(Runnable changed);

  /** Ends an {@link #onChange} registration. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
