package io.ferry.uplink;

/**
 * Writes to instruments on behalf of an uplink that receives commands (the Sparkplug DCMD): the
 * agent implements it with its one write service, so a command from an uplink meets the same rules
 * (writable channel, range, type, rate), runs on the instrument's own connection and lands in the
 * same audit as a write from {@code ferry write} or the mirror. The uplink never opens a device and
 * never decides whether a write is allowed; this interface is the whole contract (the uplink module
 * does not see the agent or the drivers).
 */
public interface InstrumentWrites {
  /** Outside an agent (tools, benchmarks, tests): every write is refused, nothing is sent. */
  InstrumentWrites NONE = (source, channel, value) -> new Answer("rejected", "writes go through a running agent only");

  /**
   * Writes {@code value} (a number, or true/false) to {@code channel} ({@code instrument/channel});
   * blocks until the outcome, at most the instrument's timeout after the request left. Call it from a
   * thread of the uplink's own, never from a client library's callback thread.
   *
   * @param source who asks, as the audit shows it ({@code sparkplug})
   */
  Answer write(String source, String channel, String value) throws InterruptedException;

  /**
   * What became of one write, in the audit's words.
   *
   * @param outcome {@code applied}, {@code rejected}, {@code failed} or {@code unknown}
   * @param detail why, in operator words (empty when applied)
   */
  record Answer(String outcome, String detail) {
    public boolean applied() {
      return "applied".equals(outcome);
    }
  }
}
