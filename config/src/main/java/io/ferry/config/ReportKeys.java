package io.ferry.config;

import io.ferry.config.ConfigNode.Scalar;
import io.ferry.config.ConfigNode.ScalarType;
import io.ferry.core.ReportSpec;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Reads {@code report:} (report by exception) of an instrument (the default of its channels) and
 * of a channel (its override). A section switches the filter on; its band is one of
 * {@code deadband} (absolute), {@code deadbandPercent} (of {@code span}, or of the last reported
 * value without one) or {@code onChange: true}, on change when none is written. A channel's band
 * key replaces the instrument's band; {@code heartbeat}, {@code gap} and {@code keepEdges} are
 * inherited one by one; {@code report: off} on a channel sends its every sample.
 */
final class ReportKeys {
  static final Duration DEFAULT_HEARTBEAT = Duration.ofMinutes(10);

  private ReportKeys() {}

  /** The band keys of one section: absent when the section wrote none. */
  record Band(double deadband, double percent, double span) {}

  /** What one section wrote; {@code off} for {@code report: off}. */
  record Section(boolean off, Optional<Band> band, Optional<Duration> heartbeat, Optional<Duration> gap,
      Optional<Boolean> keepEdges) {}

  /** Reads {@code report} of {@code parent}; empty when it is absent or wrong (the problem recorded). */
  static Optional<Section> read(Fields parent, boolean channel, Duration poll) {
    Optional<ConfigNode> node = parent.node("report");
    if (node.isEmpty()) {
      return Optional.empty();
    }
    if (node.get() instanceof Scalar s && isOff(s)) {
      if (!channel) {
        parent.error("report", "report: off belongs on a channel (an instrument without report: sends every sample)");
        return Optional.empty();
      }
      return Optional.of(new Section(true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }
    Optional<Fields> section = parent.object("report");
    if (section.isEmpty()) {
      return Optional.empty();
    }
    Fields f = section.get();
    OptionalDouble deadband = f.number("deadband");
    OptionalDouble percent = f.number("deadbandPercent");
    OptionalDouble span = f.number("span");
    boolean onChangeWritten = f.has("onChange");
    boolean onChange = f.bool("onChange", true);
    int bands = (f.has("deadband") ? 1 : 0) + (f.has("deadbandPercent") ? 1 : 0) + (onChangeWritten ? 1 : 0);
    Optional<Band> band = Optional.empty();
    if (bands > 1) {
      f.error("choose one of deadband, deadbandPercent and onChange");
    } else if (onChangeWritten && !onChange) {
      f.error("onChange", "onChange: false is not a band; to send every sample remove report:"
          + (channel ? " or write report: off" : " and set it on the channels that need it"));
    } else if (deadband.isPresent() && !(deadband.getAsDouble() >= 0)) {
      f.error("deadband", "must not be negative, got " + deadband.getAsDouble());
    } else if (percent.isPresent() && !(percent.getAsDouble() > 0 && percent.getAsDouble() <= 100)) {
      f.error("deadbandPercent", "must be more than 0 and at most 100, got " + percent.getAsDouble());
    } else if (f.has("deadband") || f.has("deadbandPercent") || onChangeWritten) {
      band = Optional.of(new Band(deadband.orElse(0), percent.orElse(0), 0));
    }
    if (span.isPresent()) {
      if (!f.has("deadbandPercent")) {
        f.error("span", "span is the range deadbandPercent is a percentage of; it needs deadbandPercent");
      } else if (!(span.getAsDouble() > 0) || Double.isInfinite(span.getAsDouble())) {
        f.error("span", "must be a number above 0 (the width of the measuring range, for example 250 for 0 to 250 bar), got "
            + span.getAsDouble());
      } else if (band.isPresent()) {
        band = Optional.of(new Band(0, band.get().percent(), span.getAsDouble()));
      }
    }
    Optional<Duration> heartbeat = longerThanPoll(f, "heartbeat", Duration.ofSeconds(1), poll);
    Optional<Duration> gap = longerThanPoll(f, "gap", Duration.ofMillis(10), poll);
    Optional<Boolean> keepEdges = f.has("keepEdges") ? Optional.of(f.bool("keepEdges", false)) : Optional.empty();
    return Optional.of(new Section(false, band, heartbeat, gap, keepEdges));
  }

  /** A duration key that must exceed the poll interval (or every sample would be reported). */
  private static Optional<Duration> longerThanPoll(Fields f, String key, Duration least, Duration poll) {
    if (!f.has(key)) {
      return Optional.empty();
    }
    Duration d = f.duration(key, Duration.ZERO, least, Duration.ofDays(1));
    if (d.isZero()) {
      return Optional.empty(); // unreadable or out of range: reported
    }
    if (d.compareTo(poll) <= 0) {
      f.error(key, "must be longer than poll (" + Durations.format(poll) + "), or every sample is reported");
      return Optional.empty();
    }
    return Optional.of(d);
  }

  private static boolean isOff(Scalar s) {
    // YAML 1.1 reads a bare off (and no) as a boolean false.
    return (s.type() == ScalarType.BOOLEAN && List.of("false", "off", "no").contains(s.text().toLowerCase(Locale.ROOT)))
        || (s.type() == ScalarType.STRING && (s.text().equalsIgnoreCase("off") || s.text().equalsIgnoreCase("none")));
  }

  /**
   * The channel's spec from the instrument default and the channel override: empty when neither
   * is written, or the channel says off. Defaults: on change; heartbeat 10 minutes (2 poll
   * intervals when polls are longer); gap 1.5 poll intervals, so one missed or failed poll is a gap.
   */
  static Optional<ReportSpec> merge(Optional<Section> instrument, Optional<Section> channel, Duration poll) {
    if (channel.map(Section::off).orElse(false) || (instrument.isEmpty() && channel.isEmpty())) {
      return Optional.empty();
    }
    Band band = channel.flatMap(Section::band).or(() -> instrument.flatMap(Section::band)).orElse(new Band(0, 0, 0));
    Duration defaultHeartbeat = poll.multipliedBy(2).compareTo(DEFAULT_HEARTBEAT) > 0 ? poll.multipliedBy(2) : DEFAULT_HEARTBEAT;
    Duration heartbeat = channel.flatMap(Section::heartbeat).or(() -> instrument.flatMap(Section::heartbeat)).orElse(defaultHeartbeat);
    Duration gap = channel.flatMap(Section::gap).or(() -> instrument.flatMap(Section::gap)).orElse(poll.plus(poll.dividedBy(2)));
    boolean keepEdges = channel.flatMap(Section::keepEdges).or(() -> instrument.flatMap(Section::keepEdges)).orElse(false);
    return Optional.of(new ReportSpec(band.deadband(), band.percent(), band.span(), heartbeat, gap, keepEdges));
  }
}
