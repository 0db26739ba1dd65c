package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.ChannelId;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-only inspection API the CLI uses: stats, export, integrity, and what it leaves behind. */
class BufferInspectorTest {
  static final ChannelId FLOW = ChannelId.of("boiler1", "flow");
  static final ChannelId TEMP = ChannelId.of("boiler1", "temp");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));

  SqliteBuffer open(Path file) {
    return SqliteBuffer.open(
        BufferOptions.defaults(file),
        List.of(Specs.raw("boiler1/flow", "cloud", "local"), Specs.raw("boiler1/temp", "cloud")), clock);
  }

  List<String> names() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void statsBesideARunningServiceAgreeWithTheServicesOwnCounts() throws Exception {
    Path file = dir.resolve("buffer.db");
    try (SqliteBuffer b = open(file)) {
      b.append(
              List.of(
                  Sample.of(FLOW, 30, 3), Sample.of(FLOW, 10, 1), Sample.of(TEMP, 20, 2),
                  Sample.of(ChannelId.of("ghost", "x"), 5, 9)))
          .join();
      b.lease("local", LeaseRequest.of(10)).ack();
      BufferStats own = b.stats();
      try (BufferInspector inspector = BufferInspector.open(file)) {
        assertThat(inspector.integrity()).isEqualTo(new BufferInspector.Integrity.Ok());
        BufferInspector.Snapshot snap = inspector.stats();
        assertThat(snap.rawSamples()).isEqualTo(own.rawSamples()).isEqualTo(3);
        assertThat(snap.uplinks().get("cloud")).isEqualTo(new BufferStats.UplinkBacklog(3, 0, 0, 10));
        assertThat(snap.uplinks().get("local")).isEqualTo(new BufferStats.UplinkBacklog(0, 0, 0, 0));
        assertThat(snap.dropped()).isEqualTo(own.dropped()).containsEntry("ghost/x unrouted", 1L);
        assertThat(snap.databaseBytes()).isPositive();
      }
    }
  }

  @Test
  void exportStreamsOneChannelByTimeAndSaysWhenTheChannelIsUnknown() throws Exception {
    Path file = dir.resolve("buffer.db");
    try (SqliteBuffer b = open(file)) {
      b.append(
              List.of(
                  Sample.of(FLOW, 30, 3), Sample.text(FLOW, 20, "x", Quality.UNCERTAIN), Sample.of(FLOW, 10, 1),
                  Sample.of(TEMP, 15, 2)))
          .join();
    }
    try (BufferInspector inspector = BufferInspector.open(file)) {
      List<Sample> out = new ArrayList<>();
      assertThat(inspector.export(FLOW, 10, 30, out::add)).hasValue(2);
      assertThat(out).containsExactly(Sample.of(FLOW, 10, 1), Sample.text(FLOW, 20, "x", Quality.UNCERTAIN));
      assertThat(inspector.export(ChannelId.of("no", "such"), Long.MIN_VALUE, Long.MAX_VALUE, out::add)).isEmpty();
    }
  }

  @Test
  void inspectingAStoppedBuffersFileCreatesNoWalOrShmNextToIt() throws Exception {
    Path file = dir.resolve("buffer.db");
    try (SqliteBuffer b = open(file)) {
      b.append(List.of(Sample.of(FLOW, 1, 1))).join();
    }
    List<String> before = names();
    assertThat(before).doesNotContain("buffer.db-wal", "buffer.db-shm");
    try (BufferInspector inspector = BufferInspector.open(file)) {
      assertThat(inspector.integrity()).isInstanceOf(BufferInspector.Integrity.Ok.class);
      assertThat(inspector.stats().rawSamples()).isEqualTo(1);
      inspector.export(FLOW, Long.MIN_VALUE, Long.MAX_VALUE, s -> {});
    }
    assertThat(names()).isEqualTo(before);
  }

  @Test
  void aDamagedFileIsReportedCorruptNotRead() throws Exception {
    Path file = dir.resolve("buffer.db");
    try (SqliteBuffer b = open(file)) {
      b.append(IntStream.range(0, 20_000).mapToObj(i -> Sample.of(FLOW, i, i)).toList()).join();
    }
    long size = Files.size(file);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(size / 2);
      raf.write("garbage".repeat(2000).getBytes(StandardCharsets.US_ASCII));
    }
    try (BufferInspector inspector = BufferInspector.open(file)) {
      assertThat(inspector.integrity()).isInstanceOf(BufferInspector.Integrity.Corrupt.class);
    }
  }

  @Test
  void filesThatAreNoBufferAreRefusedWithOneLineEach() throws Exception {
    Path text = dir.resolve("text.db");
    Files.writeString(text, "this is not sqlite".repeat(300));
    Path empty = dir.resolve("empty.db");
    Files.createFile(empty);
    assertThatThrownBy(() -> BufferInspector.open(text))
        .isInstanceOfSatisfying(
            BufferInspector.InspectionException.class,
            e -> assertThat(e.kind()).isEqualTo(BufferInspector.InspectionException.Kind.UNUSABLE))
        .hasMessageContaining("text.db").hasMessageContaining("corrupt or not a database")
        .hasMessageNotContaining("Exception").hasMessageNotContaining("SQLITE_");
    assertThatThrownBy(() -> BufferInspector.open(empty))
        .hasMessageContaining("empty.db is empty");
    assertThatThrownBy(() -> BufferInspector.open(dir.resolve("none.db")))
        .isInstanceOfSatisfying(
            BufferInspector.InspectionException.class,
            e -> assertThat(e.kind()).isEqualTo(BufferInspector.InspectionException.Kind.MISSING));
    assertThatThrownBy(() -> BufferInspector.open(dir))
        .hasMessageContaining("not a regular file");
  }
}
