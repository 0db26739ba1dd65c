package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.MicroTime;
import io.ferry.core.RollupSpec;
import io.ferry.core.Route;
import io.ferry.core.Sample;
import io.ferry.core.Stat;
import io.ferry.core.ChannelId;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The due times the writer sleeps until (issue 15: an idle writer wakes only when something is
 * due): nothing is due in an empty buffer, and each due time is exactly when its maintenance first
 * has work, neither later (work would wait) nor earlier (a wasted wake-up).
 */
class MaintenanceDueTest {
  static final ChannelId ROLL = ChannelId.of("a", "roll");
  static final ChannelId PLAIN = ChannelId.of("a", "plain");
  static final long NEVER = Long.MAX_VALUE;

  @TempDir java.nio.file.Path dir;
  final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_700_000_000L));
  BufferStore store;

  BufferStore open(Duration maxAge) throws Exception {
    BufferOptions options = new BufferOptions(dir.resolve("buffer.db"), Synchronous.FULL, Duration.ofMillis(100), 10_000, 0,
        maxAge, Duration.ofMinutes(1));
    Connection conn = Databases.openWriter(options, clock);
    store = new BufferStore(conn, options, clock);
    RollupSpec roll = new RollupSpec(Duration.ofMinutes(1), List.of(Stat.AVG), Duration.ofSeconds(5), false);
    store.configure(List.of(
        Specs.rollup("a/roll", roll, Map.of("cloud", EnumSet.of(Route.ROLLUP))),
        Specs.raw("a/plain", "cloud")));
    return store;
  }

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  long now() {
    return MicroTime.now(clock);
  }

  @Test
  void anEmptyBufferHasNothingDue() throws Exception {
    open(Duration.ofHours(1));
    assertThat(store.nextLeaseExpiryMicros()).isEqualTo(NEVER);
    assertThat(store.nextRollupDueMicros()).isEqualTo(NEVER);
    assertThat(store.nextAgeDueMicros()).isEqualTo(NEVER);
  }

  @Test
  void aLeaseIsDueWhenItsTimeRunsOut() throws Exception {
    open(Duration.ZERO);
    store.append(List.of(Sample.of(PLAIN, now(), 1)));
    long leasedAt = now();
    Lease lease = store.lease("cloud", new LeaseRequest(10, Long.MAX_VALUE, Duration.ofSeconds(30)), null);
    assertThat(lease.samples()).hasSize(1);
    assertThat(store.nextLeaseExpiryMicros()).isEqualTo(leasedAt + 30_000_000L);
    assertThat(store.nextAgeDueMicros()).as("no age limit").isEqualTo(NEVER);
  }

  @Test
  void theAgePassIsDueWhenTheOldestSampleReachesTheLimit() throws Exception {
    open(Duration.ofHours(1));
    long t = now() - 600_000_000L; // ten minutes old
    store.append(List.of(Sample.of(PLAIN, t, 1), Sample.of(PLAIN, t + 5_000_000L, 2)));
    long due = store.nextAgeDueMicros();
    assertThat(due).isEqualTo(t + 3_600_000_000L);

    clock.set(MicroTime.instant(due - 1));
    store.shedByAge();
    assertThat(store.rawRows()).isEqualTo(2);
    clock.set(MicroTime.instant(due + 1));
    store.shedByAge();
    assertThat(store.rawRows()).isEqualTo(1);
    assertThat(store.nextAgeDueMicros()).isEqualTo(t + 5_000_000L + 3_600_000_000L);
  }

  @Test
  void aRollupIsDueWhenItsIntervalCanClose() throws Exception {
    open(Duration.ZERO);
    store.append(List.of(Sample.of(ROLL, now(), 1)));
    long due = store.nextRollupDueMicros();
    assertThat(due).isGreaterThan(now());

    clock.set(MicroTime.instant(due - 1));
    store.closeDueRollups();
    assertThat(store.lease("cloud", LeaseRequest.of(10), null).rollups()).as("one microsecond early").isEmpty();
    clock.set(MicroTime.instant(due));
    store.closeDueRollups();
    assertThat(store.lease("cloud", LeaseRequest.of(10), null).rollups()).hasSize(1);
    assertThat(store.nextRollupDueMicros()).as("nothing open any more").isEqualTo(NEVER);
  }
}
