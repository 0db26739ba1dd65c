package io.ferry.drivers.spi;

import io.ferry.core.Sample;
import java.util.List;

/** A driver the scheduler calls once per tick, on the instrument's own thread. */
public non-sealed interface PollingDriver extends Driver {
  /**
   * Reads every channel once and returns what was read, stamped with the source time or the
   * moment each read completed. A channel that failed is left out (or returned with quality
   * BAD when the device said so); throw only when nothing at all could be read. May block up to
   * the instrument's poll timeout; the scheduler interrupts it past that. Connecting is not
   * polling: a driver whose connection takes long connects on its own thread and throws
   * {@link StillConnectingException} until it is connected. A driver that does not ask the device
   * this tick because it waits out a backoff throws {@link BackingOffException} with the cause:
   * an empty list means the device was asked and gave nothing, and is counted as a failed poll.
   */
  List<Sample> poll() throws Exception;

  /**
   * {@link #poll()} with what it left out: the scheduler calls this. A driver that drops repeated
   * samples (the same source time again) overrides it, so a poll of static but good values still
   * counts as the device answering.
   */
  default PollResult read() throws Exception {
    return new PollResult(poll(), 0);
  }
}
