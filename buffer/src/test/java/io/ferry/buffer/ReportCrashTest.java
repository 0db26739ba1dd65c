package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ReportFilter;
import io.ferry.core.Sample;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM appends through the report filter and is killed with SIGKILL at random moments,
 * several times on the same file (nothing is leased, so the queue keeps every reported sample).
 * After each kill the queue must hold exactly the reported samples of a prefix of what the child
 * appended: all of those up to the last commit it confirmed (none lost), nothing else (none
 * invented), the filter starting afresh at every run, so the first sample after each restart is
 * there although it lies within the band of the last one reported before the kill.
 */
class ReportCrashTest {
  static final int KILLS = 6;

  @TempDir Path dir;

  @Test
  void killNineLosesNoReportedSampleInventsNoneAndReportsTheFirstAfterRestart() throws Exception {
    Path db = dir.resolve("report-crash.db");
    Random rnd = new Random(20261208);
    List<Sample> expectedBefore = new ArrayList<>(); // reported samples of the earlier runs
    long start = 0;
    for (int cycle = 0; cycle < KILLS; cycle++) {
      Process child = ChildJvm.start(ReportCrashChild.class, db.toString(), Long.toString(start), Long.toString(rnd.nextLong()));
      int killAfter = 5 + rnd.nextInt(30);
      long confirmed = start - 1;
      int lines = 0;
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.startsWith("A ")) {
            continue;
          }
          confirmed = Long.parseLong(line.substring(2));
          if (++lines == killAfter) {
            child.toHandle().destroyForcibly(); // SIGKILL; keep reading what was printed before
          }
        }
      }
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child of cycle %d ended", cycle).isTrue();

      // What a fresh filter reports of this run's samples, up to the most that can have been
      // committed (one unconfirmed batch past the last confirmation).
      List<Sample> reportable = new ArrayList<>();
      ReportFilter.State state = null;
      for (long n = start; n <= confirmed + ReportCrashChild.MAX_BATCH; n++) {
        ReportFilter.Decision d = ReportFilter.decide(ReportCrashChild.SPEC, state, ReportCrashChild.sample(n));
        if (d instanceof ReportFilter.Decision.Report) {
          reportable.add(ReportCrashChild.sample(n));
        }
        state = d.next();
      }
      List<Sample> present = new ArrayList<>();
      try (SqliteBuffer b = SqliteBuffer.open(BufferOptions.defaults(db), ReportCrashChild.specs(), new MutableClock(Instant.now()))) {
        b.lease("cloud", LeaseRequest.of(1_000_000)).samples().forEach(r -> present.add(r.sample()));
      }
      assertThat(present.subList(0, expectedBefore.size())).as("earlier runs' reports intact").isEqualTo(expectedBefore);
      List<Sample> thisRun = present.subList(expectedBefore.size(), present.size());
      assertThat(reportable.subList(0, thisRun.size())).as("cycle %d: a prefix of what the filter reports", cycle)
          .isEqualTo(thisRun);
      long confirmedMicros = ReportCrashChild.sample(confirmed).timeMicros();
      long mustHave = reportable.stream().filter(s -> s.timeMicros() <= confirmedMicros).count();
      assertThat((long) thisRun.size()).as("cycle %d: every report up to the confirmed commit", cycle)
          .isGreaterThanOrEqualTo(mustHave);
      assertThat(thisRun).as("cycle %d: the first sample after the restart", cycle).first()
          .isEqualTo(ReportCrashChild.sample(start));
      expectedBefore.addAll(thisRun);
      // The next run starts past what this one can have committed, at a sample a filter that
      // survived the restart would suppress (same level and quality as the last report).
      Sample lastReported = expectedBefore.get(expectedBefore.size() - 1);
      start = confirmed + ReportCrashChild.MAX_BATCH + 1;
      while (ReportFilter.changed(ReportCrashChild.SPEC, lastReported, ReportCrashChild.sample(start))
          || lastReported.quality() != ReportCrashChild.sample(start).quality()) {
        start++;
      }
    }
  }
}
