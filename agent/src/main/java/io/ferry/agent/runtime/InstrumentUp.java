package io.ferry.agent.runtime;

import io.ferry.config.InstrumentInfo;
import io.ferry.core.MicroTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The one definition of an instrument being up: its last good sample (before the first, the time
 * the agent started it) is at most its staleness limit old ({@link InstrumentInfo#staleLimit}); a
 * streaming instrument without {@code stale:} has no limit and is down only when it could not start
 * (errors and no sample at all). Pure. The health verdict ({@code agent.http.HealthRule}) words it for
 * {@code /health}, the status page and {@code ferry status}; {@link InstrumentUpWatch} hands it to the
 * uplinks (Sparkplug DDEATH / DBIRTH). Nothing else judges.
 */
public final class InstrumentUp {
  private InstrumentUp() {}

  /**
   * @param limit the staleness limit judged by (empty: none)
   * @param everGood a good sample was ever read
   * @param age how old the last good sample (or the start) is; zero without a limit
   * @param downAt when it turns down unless a good sample comes first (empty without a limit)
   */
  public record Judgement(boolean up, Optional<Duration> limit, boolean everGood, Duration age, Optional<Instant> downAt) {}

  public static Judgement judge(PollStats p, boolean streaming, int instrumentFailures, Instant now) {
    Optional<Duration> limit = InstrumentInfo.staleLimit(p.poll(), p.pollTimeout(), p.stale(), streaming, instrumentFailures);
    boolean everGood = p.lastGoodMicros() != 0;
    if (limit.isEmpty()) {
      boolean failed = p.errors() > 0 && p.samples() == 0;
      return new Judgement(!failed, limit, everGood, Duration.ZERO, Optional.empty());
    }
    Instant since = MicroTime.instant(everGood ? p.lastGoodMicros() : p.startedMicros());
    Duration age = Duration.between(since, now);
    age = age.isNegative() ? Duration.ZERO : age;
    // Up while the age is at most the limit: down from one microsecond past it.
    Instant downAt = since.plus(limit.get()).plusNanos(1_000);
    return new Judgement(age.compareTo(limit.get()) <= 0, limit, everGood, age, Optional.of(downAt));
  }
}
