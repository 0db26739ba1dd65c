package io.ferry.buffer;

import io.ferry.core.ChannelId;
import io.ferry.core.Stat;

/**
 * One closed interval {@code [startMicros, startMicros + intervalMicros)} of a channel.
 * {@code revision} is 0 for the first close and grows each time late samples reopen and close it
 * again (the uplink then overwrites the value it sent before).
 */
public record RollupRecord(
    long id,
    ChannelId channel,
    long startMicros,
    long intervalMicros,
    long count,
    double first,
    double last,
    double min,
    double max,
    double sum,
    double avg,
    double twa,
    int revision)
    implements BufferRecord {

  public double value(Stat stat) {
    return switch (stat) {
      case FIRST -> first;
      case LAST -> last;
      case MIN -> min;
      case MAX -> max;
      case SUM -> sum;
      case COUNT -> count;
      case AVG -> avg;
      case TWA -> twa;
    };
  }
}
