package io.ferry.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random sequences of append, lease, ack, partial ack, release, expire and restart, compared
 * after every step with a plain in-memory model of what each uplink is owed.
 */
class BufferModelTest {
  static final ChannelId A = ChannelId.of("i1", "a");
  static final ChannelId B = ChannelId.of("i1", "b");
  static final List<String> UPLINKS = List.of("cloud", "local");
  static final Duration TTL = Duration.ofSeconds(30);
  static final List<ChannelSpec> SPECS = List.of(Specs.raw("i1/a", "cloud", "local"), Specs.raw("i1/b", "cloud"));

  /** One stored sample in the model: its value is its identity. */
  static final class Row {
    final double value;
    final ChannelId channel;
    final Set<String> pending;

    Row(double value, ChannelId channel, Set<String> pending) {
      this.value = value;
      this.channel = channel;
      this.pending = pending;
    }
  }

  record Live(Lease lease, String uplink, Set<Double> values) {}

  @Property(tries = 30)
  void behavesLikeTheModel(@ForAll @Size(min = 1, max = 50) List<@IntRange(min = 0, max = 9999) Integer> ops)
      throws IOException {
    Path dir = Files.createTempDirectory("ferry-model");
    MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_700_000_000L));
    BufferOptions options = RollupExactnessTest.fastOptions(dir.resolve("model.db"));
    SqliteBuffer buffer = SqliteBuffer.open(options, SPECS, clock);
    List<Row> rows = new ArrayList<>(); // in append (= sequence) order
    List<Live> live = new ArrayList<>();
    double nextValue = 1;
    long time = 1_700_000_000_000_000L;
    try {
      for (int op : ops) {
        int arg = op / 8;
        switch (op % 8) {
          case 0, 1 -> {
            List<Sample> batch = new ArrayList<>();
            for (int i = 0; i <= arg % 5; i++) {
              ChannelId ch = (arg / 5 + i) % 2 == 0 ? A : B;
              batch.add(Sample.of(ch, time++, nextValue));
              rows.add(new Row(nextValue++, ch, new HashSet<>(ch.equals(A) ? UPLINKS : List.of("cloud"))));
            }
            buffer.append(batch).join();
          }
          case 2 -> {
            String uplink = UPLINKS.get(arg % 2);
            int max = arg / 2 % 7 + 1;
            Set<Double> leased =
                live.stream().filter(l -> l.uplink().equals(uplink)).flatMap(l -> l.values().stream())
                    .collect(Collectors.toSet());
            Set<Double> expected =
                rows.stream().filter(r -> r.pending.contains(uplink) && !leased.contains(r.value)).limit(max)
                    .map(r -> r.value).collect(Collectors.toSet());
            Lease lease = buffer.lease(uplink, new LeaseRequest(max, Long.MAX_VALUE, TTL));
            Set<Double> got = values(lease);
            assertThat(got).as("lease of %s", uplink).isEqualTo(expected);
            assertThat(lease.samples())
                .isSortedAccordingTo(
                    Comparator.comparing((SampleRecord r) -> r.sample().channel())
                        .thenComparingLong(r -> r.sample().timeMicros()));
            if (!lease.isEmpty()) {
              live.add(new Live(lease, uplink, got));
            }
          }
          case 3 -> {
            if (!live.isEmpty()) {
              Live l = live.remove(arg % live.size());
              l.lease().ack();
              acknowledge(rows, l.uplink(), l.values());
            }
          }
          case 4 -> {
            if (!live.isEmpty()) {
              live.remove(arg % live.size()).lease().release();
            }
          }
          case 5 -> {
            if (!live.isEmpty()) {
              Live l = live.remove(arg % live.size());
              List<SampleRecord> half = new ArrayList<>();
              for (int i = 0; i < l.lease().samples().size(); i += 2) {
                half.add(l.lease().samples().get(i));
              }
              l.lease().ack(half);
              acknowledge(rows, l.uplink(), half.stream().map(r -> r.sample().value()).collect(Collectors.toSet()));
            }
          }
          case 6 -> {
            clock.advance(TTL.plusSeconds(1));
            live.clear(); // every lease ran out: its rows are owed again
          }
          default -> {
            buffer.close();
            buffer = SqliteBuffer.open(options, SPECS, clock);
            live.clear(); // leases do not survive a restart
          }
        }
        BufferStats stats = buffer.stats();
        assertThat(stats.rawSamples()).isEqualTo(rows.size());
        for (String u : UPLINKS) {
          long owed = rows.stream().filter(r -> r.pending.contains(u)).count();
          assertThat(stats.uplinks().get(u).samples()).as("depth of %s", u).isEqualTo(owed);
        }
      }
      // Finally each uplink drains exactly what it is owed, and then the queue is empty.
      live.forEach(l -> l.lease().release());
      for (String u : UPLINKS) {
        Map<Double, Integer> seen = new LinkedHashMap<>();
        for (Lease l = buffer.lease(u, LeaseRequest.of(7)); !l.isEmpty(); l = buffer.lease(u, LeaseRequest.of(7))) {
          values(l).forEach(v -> seen.merge(v, 1, Integer::sum));
          l.ack();
        }
        Set<Double> owed = rows.stream().filter(r -> r.pending.contains(u)).map(r -> r.value).collect(Collectors.toSet());
        assertThat(seen.keySet()).isEqualTo(owed);
        assertThat(seen.values()).allMatch(n -> n == 1);
      }
      assertThat(buffer.stats().rawSamples()).isZero();
    } finally {
      buffer.close();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  static void acknowledge(List<Row> rows, String uplink, Set<Double> values) {
    for (Row r : rows) {
      if (values.contains(r.value)) {
        r.pending.remove(uplink);
      }
    }
    rows.removeIf(r -> r.pending.isEmpty());
  }

  static Set<Double> values(Lease lease) {
    return lease.samples().stream().map(r -> r.sample().value()).collect(Collectors.toSet());
  }
}
