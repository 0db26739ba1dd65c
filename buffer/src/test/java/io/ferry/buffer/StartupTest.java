package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Integrity check with quarantine, and schema versioning. */
class StartupTest {
  static final ChannelId CH = ChannelId.of("boiler1", "flow");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger databasesLog = (Logger) LoggerFactory.getLogger(Databases.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    databasesLog.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    databasesLog.detachAppender(logs);
  }

  SqliteBuffer open(Path file) {
    return SqliteBuffer.open(BufferOptions.defaults(file), List.of(Specs.raw("boiler1/flow", "cloud")), clock);
  }

  @Test
  void aFileThatIsNotADatabaseIsMovedAsideAndAFreshOneOpened() throws Exception {
    Path file = dir.resolve("buffer.db");
    Files.writeString(file, "this is not sqlite, it is a text file that got here somehow".repeat(100));
    byte[] original = Files.readAllBytes(file);
    try (SqliteBuffer b = open(file)) {
      b.append(List.of(Sample.of(CH, 1, 1))).join();
      assertThat(b.stats().rawSamples()).isEqualTo(1);
    }
    Path moved = dir.resolve("buffer.db.corrupt-20261121T100000Z");
    assertThat(moved).exists();
    assertThat(Files.readAllBytes(moved)).isEqualTo(original);
    assertThat(logs.list)
        .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains(moved.toString()).contains("integrity"));
  }

  @Test
  void aDamagedDatabaseIsQuarantinedWithItsWalNeverDeleted() throws Exception {
    Path file = dir.resolve("buffer.db");
    try (SqliteBuffer b = open(file)) {
      b.append(IntStream.range(0, 20_000).mapToObj(i -> Sample.of(CH, i, i)).toList()).join();
    }
    long size = Files.size(file);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      // Scribble over pages in the middle of the raw table (page 1, the header, stays intact).
      raf.seek(size / 2);
      raf.write("garbage".repeat(2000).getBytes(StandardCharsets.US_ASCII));
    }
    try (SqliteBuffer b = open(file)) {
      assertThat(b.stats().rawSamples()).isZero();
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .contains("buffer.db", "buffer.db.corrupt-20261121T100000Z");
    }
    // A second corruption on the same second gets its own name: nothing is ever overwritten.
    Files.writeString(file, "x".repeat(5000));
    open(file).close();
    assertThat(dir.resolve("buffer.db.corrupt-20261121T100000Z-1")).exists();
  }

  @Test
  void mirrorTablesWrittenByAnotherConnectionAreLeftAloneAndCountTowardBytes() throws Exception {
    Path file = dir.resolve("buffer.db");
    try (SqliteBuffer b = open(file)) {
      long before;
      try (Connection mirror = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement st = mirror.createStatement()) {
        st.execute("PRAGMA busy_timeout = 5000");
        st.execute("CREATE TABLE mirror_points(series TEXT, t INTEGER, v REAL)");
        b.append(List.of(Sample.of(CH, 1, 1))).join();
        before = b.stats().bytes();
        st.execute("BEGIN IMMEDIATE");
        for (int i = 0; i < 20_000; i++) {
          st.execute("INSERT INTO mirror_points VALUES ('s', " + i + ", 1.5)");
        }
        st.execute("COMMIT");
      }
      b.append(List.of(Sample.of(CH, 2, 2))).join();
      assertThat(b.stats().bytes()).isGreaterThan(before + 20_000 * 10);
      assertThat(b.stats().rawSamples()).isEqualTo(2);
    }
    try (SqliteBuffer b = open(file);
        Connection c = Databases.openReadOnly(file);
        Statement st = c.createStatement()) {
      assertThat(st.executeQuery("SELECT count(*) FROM mirror_points").getLong(1)).isEqualTo(20_000);
      assertThat(b.stats().rawSamples()).isEqualTo(2);
    }
  }

  @Test
  void aVersionOneFileMigratesItsTwaPointsAndClosesTheOpenIntervalExactly() throws Exception {
    Path file = dir.resolve("v1.db");
    long s = 1_700_000_000_000_000L;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      Schema.migrate(c, Schema.MIGRATIONS.subList(0, 1));
      st.execute("INSERT INTO channel(id, instrument, name) VALUES (1, 'press', 'p1')");
      st.execute("INSERT INTO uplink(bit, name) VALUES (0, 'cloud')");
      st.execute("INSERT INTO rollup_open VALUES (1, " + s + ", 10000000, " + (s + 15_000_000) + ", 0, 0, 2,"
          + " 1.0, " + s + ", 3.0, " + (s + 5_000_000) + ", 1.0, 3.0, 4.0)");
      st.execute("INSERT INTO rollup_point VALUES (1, " + s + ", " + s + ", 1.0)");
      st.execute("INSERT INTO rollup_point VALUES (1, " + s + ", " + (s + 5_000_000) + ", 3.0)");
    }
    io.ferry.core.RollupSpec spec =
        new io.ferry.core.RollupSpec(java.time.Duration.ofSeconds(10), List.of(io.ferry.core.Stat.values()),
            java.time.Duration.ofSeconds(5), false);
    MutableClock later = new MutableClock(Instant.ofEpochSecond(1_700_000_020L));
    try (SqliteBuffer b =
        SqliteBuffer.open(
            BufferOptions.defaults(file),
            List.of(Specs.rollup("press/p1", spec, java.util.Map.of("cloud", java.util.EnumSet.of(io.ferry.core.Route.ROLLUP)))),
            later)) {
      b.flush();
      Lease l = b.lease("cloud", LeaseRequest.of(10));
      assertThat(l.rollups()).singleElement().satisfies(r -> {
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.twa()).isEqualTo(2.0); // 1.0 for 5 s, 3.0 for 5 s
        assertThat(r.avg()).isEqualTo(2.0);
      });
    }
    try (Connection c = Databases.openReadOnly(file);
        Statement st = c.createStatement()) {
      assertThat(Schema.version(c)).isEqualTo(Schema.current());
      assertThat(st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'rollup_point'").getLong(1)).isZero();
    }
  }

  @Test
  void freshDatabaseCarriesTheCurrentSchemaVersion() throws Exception {
    Path file = dir.resolve("buffer.db");
    open(file).close();
    try (Connection c = Databases.openReadOnly(file)) {
      assertThat(Schema.version(c)).isEqualTo(Schema.current());
    }
  }

  @Test
  void aDatabaseFromANewerFerryIsRefusedNotTouched() throws Exception {
    Path file = dir.resolve("buffer.db");
    open(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA user_version = " + (Schema.current() + 1));
    }
    assertThatThrownBy(() -> open(file)).hasMessageContaining("newer");
    assertThat(file).exists();
  }

  @Test
  void migrationsApplyOnlyWhatIsMissingAndKeepForeignTables() throws Exception {
    Path file = dir.resolve("m.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE mirror_points(series TEXT, t INTEGER, v REAL)");
      st.execute("INSERT INTO mirror_points VALUES ('s', 1, 2.0)");
      List<List<String>> v1 = List.of(List.of("CREATE TABLE a(x)"));
      Schema.migrate(c, v1);
      assertThat(Schema.version(c)).isEqualTo(1);
      List<List<String>> v2 = List.of(List.of("CREATE TABLE a(x)"), List.of("ALTER TABLE a ADD COLUMN y"));
      Schema.migrate(c, v2); // would fail if the first migration ran again
      assertThat(Schema.version(c)).isEqualTo(2);
      st.execute("INSERT INTO a(x, y) VALUES (1, 2)");
      assertThat(st.executeQuery("SELECT count(*) FROM mirror_points").getLong(1)).isEqualTo(1);
    }
  }
}
