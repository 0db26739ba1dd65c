package io.ferry.agent.http;

import io.ferry.config.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** When an uplink's backlog will be gone, from how fast it shrank lately. Pure. */
final class CatchUpEstimate {
  private CatchUpEstimate() {}

  /** What the estimate says. */
  sealed interface Estimate {
    /** Nothing waits. */
    record CaughtUp() implements Estimate {}

    /** At the recent rate the backlog is gone after this long. */
    record In(Duration eta) implements Estimate {}

    /** Too little history to say. */
    record NotShrinking() implements Estimate {}

    /** Neither shrinking nor growing: the uplink keeps up with what arrives (a small standing backlog). */
    record Steady() implements Estimate {}

    /** The backlog grows: the uplink delivers less than arrives, or nothing. */
    record Growing() implements Estimate {}
  }

  /**
   * @param history backlog points, oldest first
   * @param window how far back the rate is measured (from the last point)
   */
  static Estimate estimate(List<Ring.Point> history, Duration window) {
    if (history.isEmpty()) {
      return new Estimate.NotShrinking();
    }
    Ring.Point last = history.get(history.size() - 1);
    if (last.value() <= 0) {
      return new Estimate.CaughtUp();
    }
    Ring.Point first = null;
    for (Ring.Point p : history) {
      if (p.millis() >= last.millis() - window.toMillis()) {
        first = p;
        break;
      }
    }
    if (first == null || first.millis() >= last.millis()) {
      return new Estimate.NotShrinking();
    }
    double perMilli = (first.value() - last.value()) / (last.millis() - first.millis());
    if (perMilli > 0) {
      return new Estimate.In(Duration.ofMillis((long) Math.ceil(last.value() / perMilli)));
    }
    // Not lower than at the window's start: growing when its later half stands clearly higher.
    List<Ring.Point> recent = history.subList(history.indexOf(first), history.size());
    int half = recent.size() / 2;
    double early = mean(recent.subList(0, Math.max(1, half)));
    double late = mean(recent.subList(half, recent.size()));
    return late > early * 1.1 + 1 ? new Estimate.Growing() : new Estimate.Steady();
  }

  private static double mean(List<Ring.Point> points) {
    return points.stream().mapToDouble(Ring.Point::value).average().orElse(0);
  }

  static String describe(Estimate e) {
    if (e instanceof Estimate.CaughtUp) {
      return "caught up";
    } else if (e instanceof Estimate.In in) {
      return "about " + Durations.human(in.eta());
    } else if (e instanceof Estimate.NotShrinking) {
      return "not shrinking";
    } else if (e instanceof Estimate.Steady) {
      return "keeping up";
    } else if (e instanceof Estimate.Growing) {
      return "growing";
    }
    throw new IllegalStateException("unhandled estimate " + e);
  }
}
