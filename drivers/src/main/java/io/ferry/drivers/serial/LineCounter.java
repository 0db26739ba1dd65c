package io.ferry.drivers.serial;

import io.ferry.core.LogGate;
import io.ferry.drivers.spi.DriverMetrics;
import java.util.List;
import org.slf4j.Logger;

/** Counts what happened to lines and logs each kind of trouble once (per connection), not per line. */
final class LineCounter {
  private final DriverMetrics metrics;
  private final Logger log;
  private final String who;
  /** Each kind of trouble once per connection. */
  private final LogGate once = LogGate.onChange();
  private final LogGate states = LogGate.onChange();

  LineCounter(DriverMetrics metrics, Logger log, String who) {
    this.metrics = metrics;
    this.log = log;
    this.who = who;
  }

  /** Counts a parse result; returns its samples (empty for a rejected line). */
  List<io.ferry.core.Sample> count(LineParser.Result r, String line) {
    metrics.increment("lines");
    if (r instanceof LineParser.Parsed p) {
      if (!p.missed().isEmpty()) {
        metrics.increment("missed", p.missed().size());
        once("missed:" + p.missed(), "line gave no value for " + p.missed() + ": " + shorten(line));
      }
      return p.samples();
    }
    LineParser.Rejected rej = (LineParser.Rejected) r;
    String counter = rej.reason().startsWith("garbage") ? "garbage" : rej.reason().equals("checksum") ? "checksum" : "malformed";
    metrics.increment(counter);
    once(counter, "discarding lines: " + rej.reason() + ", for example " + shorten(line) + " (counted as " + counter + ")");
    return List.of();
  }

  void discard(String counter, String why) {
    metrics.increment(counter);
    once(counter, why);
  }

  /** Logs a state change once. */
  void state(String newState, String detail) {
    states.admit("state", newState).ifPresent(pass -> {
      metrics.state(newState);
      if (newState.equals("connected")) {
        once.clear();
        if (pass.previous().isPresent()) {
          log.info("{}: connected again", who);
        }
      } else {
        log.warn("{}: {}{}", who, newState, detail.isEmpty() ? "" : ": " + detail);
      }
    });
  }

  private void once(String key, String message) {
    if (once.admit(key, "logged").isPresent()) {
      log.warn("{}: {}", who, message);
    }
  }

  static String shorten(String line) {
    String s = line.length() > 80 ? line.substring(0, 80) + "..." : line;
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return sb.append('"').toString();
  }
}
