package io.ferry.buffer;

import io.ferry.core.ChannelId;
import io.ferry.core.Quality;
import io.ferry.core.ReportSpec;
import io.ferry.core.Sample;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The process {@link ReportCrashTest} kills with SIGKILL: appends the samples {@link #sample(long)}
 * numbered from {@code args[1]} through a report filter under {@code synchronous=full}, in random
 * batches, printing {@code A n} once every sample up to n is committed.
 */
public final class ReportCrashChild {
  static final ChannelId CH = ChannelId.of("crash", "level");
  /** Gap and heartbeat far beyond a run: only band, quality and restarts decide. */
  static final ReportSpec SPEC = new ReportSpec(0.5, 0, 0, Duration.ofDays(1), Duration.ofDays(1), false);
  static final int MAX_BATCH = 20;

  /** Sample n: a step between two levels every 50 samples, a quality dip now and then; time n seconds. */
  static Sample sample(long n) {
    double v = Math.floorMod(Math.floorDiv(n, 50), 2) + (n % 7) * 0.05;
    Quality q = n % 97 < 3 ? Quality.UNCERTAIN : Quality.GOOD;
    return Sample.of(CH, 1_700_000_000_000_000L + n * 1_000_000L, v, q);
  }

  static List<io.ferry.core.ChannelSpec> specs() {
    return List.of(Specs.reported(CH.toString(), SPEC, Optional.empty(), List.of("cloud"), List.of()));
  }

  public static void main(String[] args) {
    Path db = Path.of(args[0]);
    long next = Long.parseLong(args[1]);
    Random rnd = new Random(Long.parseLong(args[2]));
    PrintStream out = new PrintStream(System.out, true);
    BufferOptions options =
        new BufferOptions(db, Synchronous.FULL, Duration.ofMillis(2), 1000, 0, Duration.ZERO, Duration.ofMinutes(5));
    SqliteBuffer buffer = SqliteBuffer.open(options, specs(), InstantSource.system());
    while (true) {
      int n = 1 + rnd.nextInt(MAX_BATCH);
      List<Sample> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        batch.add(sample(next + i));
      }
      buffer.append(batch).join();
      next += n;
      out.println("A " + (next - 1));
    }
  }
}
