package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM appends and acknowledges under {@code synchronous=full} and is killed with
 * SIGKILL at random moments, 20 times on the same file. After every kill the reopened buffer must
 * hold every sample acknowledged to the driver unless an uplink had it, must not hold anything an
 * uplink acknowledged, and must hold each sample once.
 */
class CrashTest {
  static final int KILLS = 20;

  @TempDir Path dir;

  @Test
  void killNineNeverLosesAcknowledgedSamplesNorResurrectsAckedOnes() throws Exception {
    Path db = dir.resolve("crash.db");
    Random rnd = new Random(20261121);
    Set<Long> leased = new HashSet<>();
    Set<Long> acked = new HashSet<>();
    List<long[]> acknowledgedRanges = new ArrayList<>(); // [from, to] acknowledged to the driver
    for (int cycle = 0; cycle < KILLS; cycle++) {
      long start = cycle * 1_000_000L + 1;
      Process child = ChildJvm.start(CrashChild.class, db.toString(), Long.toString(start), Long.toString(rnd.nextLong()));
      int killAfter = 1 + rnd.nextInt(25);
      long lastAppend = start - 1;
      int lines = 0;
      boolean killed = false;
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.startsWith("A ")) {
            lastAppend = Long.parseLong(line.substring(2));
          } else if (line.startsWith("L ")) {
            parse(line, leased);
          } else if (line.startsWith("K ")) {
            parse(line, acked);
          } else {
            continue;
          }
          if (!killed && ++lines >= killAfter) {
            // SIGKILL on Linux: no shutdown hook, no close. Through the handle, unlike
            // Process.destroyForcibly, which would also close the pipe we keep reading.
            child.toHandle().destroyForcibly();
            // Keep reading to the end of the pipe: the child may have leased, acked and printed
            // more before the signal landed, and those facts happened.
            killed = true;
          }
        }
      }
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child of cycle %d ended", cycle).isTrue();
      assertThat(lines).as("child of cycle %d made progress", cycle).isEqualTo(killAfter);
      acknowledgedRanges.add(new long[] {start, lastAppend});

      // Restart: what does the queue hold now?
      List<Long> present = new ArrayList<>();
      try (SqliteBuffer b =
          SqliteBuffer.open(
              BufferOptions.defaults(db), List.of(Specs.raw("crash/x", "cloud")),
              new MutableClock(Instant.now()))) {
        // One lease holds the whole (small) queue; leaving it unacked changes nothing on disk.
        b.lease("cloud", LeaseRequest.of(1_000_000)).samples().forEach(r -> present.add((long) r.sample().value()));
        assertThat((long) present.size()).isEqualTo(b.stats().rawSamples());
      }
      Set<Long> presentSet = new HashSet<>(present);
      assertThat(present).as("each sample once").hasSameSizeAs(presentSet);
      assertThat(presentSet).as("acked samples are never delivered again").doesNotContainAnyElementsOf(acked);
      for (long[] range : acknowledgedRanges) {
        for (long v = range[0]; v <= range[1]; v++) {
          if (!presentSet.contains(v)) {
            assertThat(leased).as("sample %d acknowledged to the driver is gone: it must have been delivered", v)
                .contains(v);
          }
        }
      }
    }
  }

  private static void parse(String line, Set<Long> into) {
    for (String v : line.substring(2).trim().split(" ")) {
      if (!v.isEmpty()) {
        into.add(Long.parseLong(v));
      }
    }
  }
}
