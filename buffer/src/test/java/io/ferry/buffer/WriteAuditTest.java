package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write audit in the buffer's file: durable across a reopen, readable read-only, pruned by age, beside the buffer. */
class WriteAuditTest {
  @TempDir Path dir;

  static WriteAudit.Entry entry(long ms, String outcome) {
    return new WriteAudit.Entry(Instant.ofEpochMilli(ms), "cli", "plc1/setpoint", "42.5", outcome, "the device acknowledged", Duration.ofMillis(12));
  }

  @Test
  void recordsSurviveAReopenAndAreReadReadOnly() throws Exception {
    Path db = dir.resolve("buffer.db");
    try (WriteAudit a = WriteAudit.open(db)) {
      a.record(entry(1_000, "applied"));
      a.record(entry(2_000, "rejected"));
    }
    assertThat(WriteAudit.read(db, 10)).containsExactly(entry(1_000, "applied"), entry(2_000, "rejected"));
    assertThat(WriteAudit.read(db, 1)).as("the newest").containsExactly(entry(2_000, "rejected"));
    try (WriteAudit a = WriteAudit.open(db)) {
      a.record(entry(3_000, "unknown"));
      assertThat(a.recent(10)).extracting(WriteAudit.Entry::outcome).containsExactly("applied", "rejected", "unknown");
      assertThat(a.prune(Instant.ofEpochMilli(2_000))).isEqualTo(1);
      assertThat(a.recent(10)).extracting(WriteAudit.Entry::outcome).containsExactly("rejected", "unknown");
    }
  }

  @Test
  void aWriteIsUnknownFromBeforeItIsSentUntilItsOutcomeIsStored() throws Exception {
    Path db = dir.resolve("buffer.db");
    try (WriteAudit a = WriteAudit.open(db)) {
      long id = a.begin(entry(1_000, "unknown"));
      assertThat(WriteAudit.read(db, 10)).extracting(WriteAudit.Entry::outcome).containsExactly("unknown");
      a.finish(id, "applied", "read back 42.5", Duration.ofMillis(30));
    }
    assertThat(WriteAudit.read(db, 10)).containsExactly(new WriteAudit.Entry(Instant.ofEpochMilli(1_000), "cli", "plc1/setpoint", "42.5",
        "applied", "read back 42.5", Duration.ofMillis(30)));
  }

  @Test
  void aMissingFileOrTableReadsAsNoWrites() throws Exception {
    assertThat(WriteAudit.read(dir.resolve("none.db"), 10)).isEmpty();
    Path db = dir.resolve("buffer.db");
    try (SqliteBuffer b = SqliteBuffer.open(BufferOptions.defaults(db), List.of(), java.time.Clock.systemUTC())) {
      assertThat(WriteAudit.read(db, 10)).isEmpty();
      try (WriteAudit a = WriteAudit.open(db)) {
        a.record(entry(5, "failed"));
      }
      assertThat(WriteAudit.read(db, 10)).containsExactly(entry(5, "failed"));
    }
  }
}
