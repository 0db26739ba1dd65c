package io.ferry.agent.http;

import io.ferry.agent.runtime.AgentSnapshot;
import io.ferry.agent.runtime.InstrumentUp;
import io.ferry.agent.runtime.PollStats;
import io.ferry.buffer.BufferStats;
import io.ferry.config.Durations;
import io.ferry.core.MicroTime;
import io.ferry.uplink.UplinkState;
import io.ferry.uplink.UplinkStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What "healthy" means (the README states the same rule). Pure: everything it judges is passed in.
 *
 * <ul>
 *   <li>An instrument is up while its last good sample (a GOOD-quality value from a poll, or from a
 *       streaming driver's message) is at most its staleness limit old, counted before the first
 *       from when the agent started it ({@link io.ferry.agent.runtime.InstrumentUp}, the one definition
 *       of "up" behind {@code /health}, the status page, {@code ferry status}, {@code ferry_instrument_up}
 *       and the uplinks' {@link io.ferry.uplink.InstrumentWatch}; {@link #instrument} words it).
 *       The limit is the instrument's {@code stale:}, by default {@code instrumentFailures} poll
 *       intervals plus its poll timeout for a polled instrument
 *       ({@link io.ferry.config.InstrumentInfo#staleLimit}); empty, failed, timed-out and skipped
 *       polls never reset it. A streaming instrument without {@code stale:} has no limit and is
 *       failing only when it could not start.
 *   <li>An uplink is unhealthy when its credentials were refused, or when it has records waiting, the
 *       oldest unsent one is older than {@code uplinkStall} and it has not delivered anything for
 *       {@code uplinkStall} (since start, when it never did), or while a record whose outcome is unknown
 *       (a TempoDB increment not sent again after an ambiguous failure) is more recent than
 *       {@code uplinkOutcomeUnknown} (zero: never); the count itself is shown however old.
 *   <li>The buffer is unhealthy when it refused samples since the previous look (disk full) or
 *       cannot be read.
 * </ul>
 */
final class HealthRule {
  private HealthRule() {}

  /**
   * One instrument's verdict.
   *
   * @param state {@code ok}, {@code starting} (no good sample yet, within the limit), {@code failing},
   *     {@code streaming} (streaming without a limit: up unless it could not start)
   * @param limit the staleness limit it was judged by (empty: none)
   * @param problem why it is failing, in words ("" unless failing)
   */
  record Verdict(String state, boolean up, Optional<Duration> limit, String problem) {}

  /** An instrument's verdict: {@link InstrumentUp#judge} (the one definition of "up") in words. */
  static Verdict instrument(PollStats p, boolean streaming, int instrumentFailures, Instant now) {
    InstrumentUp.Judgement j = InstrumentUp.judge(p, streaming, instrumentFailures, now);
    if (j.limit().isEmpty()) {
      return new Verdict(j.up() ? "streaming" : "failing", j.up(), j.limit(), j.up() ? "" : p.lastError());
    }
    if (j.up()) {
      return new Verdict(j.everGood() ? "ok" : "starting", true, j.limit(), "");
    }
    String cause = !p.lastError().isEmpty() ? p.lastError()
        : streaming ? "no message with a good value" : p.pollInFlight() ? "a poll is stuck in the driver" : "no poll returned";
    String when = j.everGood() ? "last good value " + Durations.human(j.age()) + " ago"
        : "no good value in the " + Durations.human(j.age()) + " since it started";
    return new Verdict("failing", false, j.limit(), cause + " (" + when + ", stale after " + Durations.format(j.limit().get()) + ")");
  }

  /** The rule's parameters (agent.yaml {@code http:}). */
  record Limits(int instrumentFailures, Duration uplinkStall, Duration uplinkOutcomeUnknown) {
    Limits(int instrumentFailures, Duration uplinkStall) {
      this(instrumentFailures, uplinkStall, io.ferry.config.HttpSettings.DEFAULT_UPLINK_OUTCOME_UNKNOWN);
    }
  }

  /** What the buffer looks like beyond its stats. */
  record Disk(long maxBytes, long freeBytes, boolean refusingLately) {}

  static Health judge(
      AgentSnapshot s, Limits limits, Instant started, Instant now, Disk disk, Map<String, CatchUpEstimate.Estimate> catchUp) {
    List<Health.InstrumentHealth> instruments = new ArrayList<>();
    for (PollStats p : s.instruments()) {
      Verdict v = instrument(p, s.streaming().contains(p.instrument()), limits.instrumentFailures(), now);
      Optional<Instant> last = p.lastGoodMicros() == 0 ? Optional.empty() : Optional.of(MicroTime.instant(p.lastGoodMicros()));
      instruments.add(new Health.InstrumentHealth(p.instrument(), v.state(), v.up(), last, p.poll(), p.polls(),
          p.samples(), p.errors(), p.timeouts(), p.lastError(), v.problem(), v.limit(), p.empty(),
          p.skippedConnecting() + p.skippedBackoff(), p.missedTicks(), Health.Backfill.of(s.drivers().get(p.instrument()))));
    }
    List<Health.UplinkHealth> uplinks = new ArrayList<>();
    for (UplinkStatus u : s.uplinks()) {
      BufferStats.UplinkBacklog b = s.buffer().map(x -> x.uplinks().get(u.name())).orElse(null);
      long backlog = b == null ? u.backlog() : b.samples() + b.rollups() + b.increments();
      Optional<Duration> oldest = b == null || b.oldestMicros() == 0 || backlog == 0 ? Optional.empty()
          : Optional.of(nonNegative(Duration.between(MicroTime.instant(b.oldestMicros()), now)));
      Duration quiet = nonNegative(Duration.between(u.lastSuccess().orElse(started), now));
      String problem = "";
      if (u.state() == UplinkState.PAUSED_AUTH) {
        problem = "credentials refused";
      } else if (backlog > 0 && oldest.map(a -> a.compareTo(limits.uplinkStall()) > 0).orElse(false)
          && quiet.compareTo(limits.uplinkStall()) > 0) {
        problem = "nothing delivered for " + Durations.human(quiet) + " while records wait";
      } else if (recentUnknown(u.outcomeUnknown(), limits.uplinkOutcomeUnknown(), now)) {
        problem = u.outcomeUnknown().total() + " " + u.outcomeUnknown().what() + " with outcome unknown (not sent again; "
            + "check the totals upstream), the last "
            + Durations.human(nonNegative(Duration.between(u.outcomeUnknown().last().orElseThrow(), now))) + " ago";
      }
      CatchUpEstimate.Estimate est = backlog == 0 ? new CatchUpEstimate.Estimate.CaughtUp()
          : catchUp.getOrDefault(u.name(), new CatchUpEstimate.Estimate.NotShrinking());
      long etaSeconds = est instanceof CatchUpEstimate.Estimate.In in ? Math.max(1, in.eta().toSeconds())
          : est instanceof CatchUpEstimate.Estimate.CaughtUp ? 0 : -1;
      uplinks.add(new Health.UplinkHealth(u.name(), u.type(), u.state().name().toLowerCase().replace('_', '-'),
          problem.isEmpty(), problem, backlog, oldest, u.lastSuccess(), u.recordsDelivered(), u.lastError().orElse(""),
          CatchUpEstimate.describe(est), etaSeconds, u.outcomeUnknown()));
    }
    Health.BufferHealth buffer = s.buffer()
        .map(b -> new Health.BufferHealth(disk.refusingLately() ? "refusing" : "ok", !disk.refusingLately(), b.bytes(),
            disk.maxBytes(), disk.freeBytes(), b.refused(), b.appended()))
        .orElse(new Health.BufferHealth("unreadable", false, 0, disk.maxBytes(), disk.freeBytes(), 0, 0));
    boolean healthy = buffer.healthy() && instruments.stream().allMatch(Health.InstrumentHealth::healthy)
        && uplinks.stream().allMatch(Health.UplinkHealth::healthy);
    return new Health(healthy, now, instruments, uplinks, buffer);
  }

  /** A record whose outcome is unknown happened within {@code window} of {@code now} (never, with a zero window). */
  static boolean recentUnknown(io.ferry.uplink.OutcomeUnknown unknown, Duration window, Instant now) {
    return !window.isZero() && unknown.last().map(t -> Duration.between(t, now).compareTo(window) <= 0).orElse(false);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
