package io.ferry.drivers.spi;

/**
 * What one write came to, with the reason in the operator's words. Which outcome may be retried is
 * decided by the channel's kind: an absolute setpoint may be sent again after {@link Failed};
 * a command (a pulse, a reset) never is, and nothing is retried after {@link Unknown}.
 */
public sealed interface WriteOutcome {
  /** The outcome's word in the audit, the API and the metrics: applied, rejected, failed, unknown. */
  String word();

  /** Why, in words ("device answered exception 3 (illegal data value)"); empty for a plain success. */
  String detail();

  /** The device acknowledged (and, with {@code verify: readBack}, a read returned the value within tolerance). */
  record Applied(String detail) implements WriteOutcome {
    @Override
    public String word() {
      return "applied";
    }
  }

  /** Refused before anything was sent (range, type, rate, not writable) or by the device (an exception code, a bad status). */
  record Rejected(String detail) implements WriteOutcome {
    @Override
    public String word() {
      return "rejected";
    }
  }

  /** The request did not reach the device (link down, port gone): nothing changed. */
  record Failed(String detail) implements WriteOutcome {
    @Override
    public String word() {
      return "failed";
    }
  }

  /** The request left but no answer came within the instrument's timeout: the device may or may not have applied it. */
  record Unknown(String detail) implements WriteOutcome {
    @Override
    public String word() {
      return "unknown";
    }
  }
}
