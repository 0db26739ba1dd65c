package io.ferry.buffer;

import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The process {@link CrashTest} kills with SIGKILL: appends numbered samples under
 * {@code synchronous=full} and leases/acks them, printing one line per fact <em>after</em> the
 * buffer confirmed it: {@code A n} (every value up to n is acknowledged to the driver),
 * {@code L v...} (leased), {@code K v...} (acked).
 */
public final class CrashChild {
  static final ChannelId CH = ChannelId.of("crash", "x");

  public static void main(String[] args) {
    Path db = Path.of(args[0]);
    long next = Long.parseLong(args[1]);
    Random rnd = new Random(Long.parseLong(args[2]));
    PrintStream out = new PrintStream(System.out, true);
    BufferOptions options =
        new BufferOptions(db, Synchronous.FULL, Duration.ofMillis(2), 1000, 0, Duration.ZERO, Duration.ofMinutes(5));
    SqliteBuffer buffer = SqliteBuffer.open(options, List.of(Specs.raw("crash/x", "cloud")), InstantSource.system());
    while (true) {
      int n = 1 + rnd.nextInt(20);
      List<Sample> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        batch.add(Sample.of(CH, next + i, next + i));
      }
      buffer.append(batch).join();
      next += n;
      out.println("A " + (next - 1));
      if (rnd.nextInt(3) == 0) {
        // Half the leases by channel with a per-channel limit: rows passed over must stay pending.
        LeaseRequest request = LeaseRequest.of(1 + rnd.nextInt(40));
        Lease lease = buffer.lease("cloud", rnd.nextBoolean() ? request : request.byChannel(1, 1 + rnd.nextInt(10)));
        if (lease.isEmpty()) {
          continue;
        }
        out.println("L " + values(lease.samples()));
        int how = rnd.nextInt(3);
        if (how == 0) {
          lease.ack();
          out.println("K " + values(lease.samples()));
        } else if (how == 1) {
          List<SampleRecord> half = lease.samples().subList(0, (lease.samples().size() + 1) / 2);
          lease.ack(half);
          out.println("K " + values(half));
        } else {
          lease.release();
        }
      }
    }
  }

  private static String values(List<SampleRecord> records) {
    return records.stream().map(r -> Long.toString((long) r.sample().value())).collect(Collectors.joining(" "));
  }
}
