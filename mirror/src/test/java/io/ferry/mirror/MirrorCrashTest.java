package io.ferry.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.mirror.SubscriptionScript.Page;
import io.ferry.mirror.SubscriptionScript.Pt;
import io.ferry.mirror.SubscriptionScript.Ts;
import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments: a child JVM mirrors a large scripted subscription and is killed
 * ({@link Process#destroyForcibly()} is SIGKILL on Linux) several times, each time right after the
 * server handed it a response, so the kill lands while it parses, applies or commits. After a last
 * run to the end, the database must equal the script's final state point by point.
 */
class MirrorCrashTest {
  static final int PARTITIONS = 2;
  static final int PAGES = 50;
  static final int KILLS = 5;

  @TempDir Path dir;

  @Test
  void mirrorSurvivesKillNineAtRandomMomentsAndEndsEqualToTheServer() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    SubscriptionScript script = script(random);
    ScriptedServer d = new ScriptedServer(script, PARTITIONS, InstantSource.system());
    d.holdMillis = 200;
    Path db = dir.resolve("buffer.db");
    Path log = dir.resolve("child.log");
    List<Integer> killedAfter = new ArrayList<>();
    Instant began = Instant.now();
    try (MockWebServer server = MirrorTesting.start(d)) {
      for (int i = 0; i < KILLS; i++) {
        // Each life gets a few responses more than the server has handed out so far.
        final int until = d.dataRequests.size() + 3 + random.nextInt(12);
        Process child = child(server.url("/").toString(), db, log);
        try {
          await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1 + random.nextInt(15)))
              .until(() -> d.dataRequests.size() >= until || !child.isAlive());
          assertThat(child.isAlive()).as("child died on its own; see %s", log).isTrue();
        } finally {
          child.destroyForcibly();
          assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        killedAfter.add(d.dataRequests.size());
        System.out.printf("life %d killed after %d requests, %d ms into the test%n", i, d.dataRequests.size(),
            Duration.between(began, Instant.now()).toMillis());
      }
      assertThat(d.finished()).as("kills all happened before the end of the stream").isFalse();

      Process last = child(server.url("/").toString(), db, log);
      try {
        await().atMost(Duration.ofSeconds(90)).until(() -> d.finished() || !last.isAlive());
        assertThat(d.finished()).as("last run reaches the end; see %s", log).isTrue();
        System.out.printf("finished after %d requests, %d ms into the test%n", d.dataRequests.size(),
            Duration.between(began, Instant.now()).toMillis());
      } finally {
        last.destroyForcibly();
        assertThat(last.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
    }

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("ok");
    }
    SubscriptionScript.Model expected = script.model();
    SubscriptionScript.Model actual;
    try (MirrorReader r = MirrorReader.open(db)) {
      actual = SubscriptionScript.read(r);
    }
    String context = "seed " + seed + ", killed after requests " + killedAfter;
    assertThat(actual.member()).as(context).isEqualTo(expected.member());
    assertThat(actual.points().keySet()).as(context).isEqualTo(expected.points().keySet());
    long compared = 0;
    for (Map.Entry<Long, TreeMap<Long, Pt>> e : expected.points().entrySet()) {
      TreeMap<Long, Pt> got = actual.points().get(e.getKey());
      assertThat(got.keySet()).as(context + ", series " + e.getKey()).containsExactlyElementsOf(e.getValue().keySet());
      for (Pt p : e.getValue().values()) {
        Pt g = got.get(p.t());
        if (!p.equals(g)) { // AssertJ only on a difference: building its messages for 100k points is slow
          assertThat(g).as(context + ", series " + e.getKey() + " at " + p.t()).isEqualTo(p);
        }
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(10_000);
  }

  private static Process child(String url, Path db, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", cp, MirrorCrashChild.class.getName(), url, db.toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(log.toString())));
    return pb.start();
  }

  /** Random but replayable (the seed is in the failure message) pages for two partitions. */
  static SubscriptionScript script(Random r) {
    SubscriptionScript sc = new SubscriptionScript();
    long base = Instant.now().minus(Duration.ofDays(1)).toEpochMilli();
    for (int p = 0; p < PARTITIONS; p++) {
      Ts[] numeric = {new Ts(p * 10 + 1, "p" + p + ".a", false), new Ts(p * 10 + 2, "p" + p + ".b", false),
          new Ts(p * 10 + 3, "p" + p + ".c", false)};
      Ts text = new Ts(p * 10 + 4, "p" + p + ".recipe", true);
      Ts guest = new Ts(p * 10 + 5, "p" + p + ".guest", false);
      List<Page> pages = new ArrayList<>();
      Page first = new Page();
      for (Ts t : numeric) {
        first.added(t);
      }
      first.added(text);
      pages.add(first);
      boolean guestIn = false;
      while (pages.size() < PAGES) {
        int roll = r.nextInt(100);
        Page page = new Page();
        if (roll < 60) {
          Ts t = numeric[r.nextInt(numeric.length)];
          List<Pt> pts = new ArrayList<>();
          long start = base + r.nextInt(20_000);
          for (int i = 0; i < 1500; i++) {
            long ts = start + i * (1 + r.nextInt(3));
            pts.add(r.nextInt(50) == 0 ? new Pt(ts, null, null, BatchParser.STATUS_BAD) : Pt.n(ts, r.nextInt(1_000_000) / 8.0));
          }
          page.upsert(t, pts);
        } else if (roll < 72) {
          List<Pt> pts = new ArrayList<>();
          long start = base + r.nextInt(2_000);
          for (int i = 0; i < 50; i++) {
            pts.add(Pt.s(start + i * 7, "recipe-" + r.nextInt(1000)));
          }
          page.upsert(text, pts);
        } else if (roll < 84) {
          long from = base + r.nextInt(30_000);
          page.delete(r.nextBoolean() ? numeric[r.nextInt(numeric.length)] : text, from, from + 1 + r.nextInt(3_000));
        } else if (roll < 92 && pages.size() > 1) {
          page = pages.get(1 + r.nextInt(pages.size() - 1)); // re-delivery of an earlier batch
        } else if (roll < 96) {
          if (guestIn) {
            page.removed(guest);
          } else {
            page.added(guest).upsert(guest, Pt.n(base + r.nextInt(1000), r.nextInt(100)));
          }
          guestIn = !guestIn;
        } // else: an empty page (hasNext true with no data)
        pages.add(page);
      }
      for (Page pg : pages) {
        sc.add(p, pg);
      }
    }
    return sc;
  }
}
