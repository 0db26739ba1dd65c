package io.ferry.uplink.atomscale;

import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.Lease;
import io.ferry.buffer.LeaseRequest;
import io.ferry.buffer.SampleRecord;
import io.ferry.uplink.Delivery;
import io.ferry.uplink.Exchange;
import io.ferry.uplink.UplinkContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ends one instrument's stream: sends every buffered sample of the instrument (full chunks, then
 * the final partial one), then {@code finalize}. Only after every chunk was acknowledged: data
 * sent after finalize is refused. Run it while the agent is stopped (both would lease the same rows).
 */
public final class AtomscaleFinalizer {
  /** What was done: chunks sent, samples covered, non-finite values dropped, the stream finalized (if one was open). */
  public record Result(int chunks, long samples, int dropped, Optional<String> finalized) {}

  /** A step failed; nothing after it was done, and what was not acknowledged stays buffered. */
  public static final class FinalizeException extends Exception {
    public FinalizeException(String message) {
      super(message);
    }
  }

  private AtomscaleFinalizer() {}

  public static Result run(AtomscalePlan plan, String instrument, UplinkContext ctx) throws FinalizeException, InterruptedException {
    List<String> channels = Optional.ofNullable(plan.instruments().get(instrument))
        .orElseThrow(() -> new FinalizeException("instrument " + instrument + " sends no channel to uplink " + plan.name()))
        .stream().map(AtomscalePlan.ChannelUnit::channel).toList();
    AtomscaleStreams streams = new AtomscaleStreams(plan, ctx.buffer().uplinkState(plan.name()), ctx.clock());
    Exchange exchange = new Exchange(ctx.http(), plan.runner(), ctx.clock(), ctx.sleeper());
    int size = Math.max(plan.runner().batchRecords(), 100_000);
    int chunks = 0;
    long samples = 0;
    int dropped = 0;
    while (true) {
      Lease lease = ctx.buffer().lease(plan.name(), new LeaseRequest(size, Long.MAX_VALUE, Duration.ofMinutes(10)));
      if (lease.isEmpty()) {
        break;
      }
      List<SampleRecord> mine = lease.samples().stream().filter(r -> r.channel().instrument().equals(instrument)).toList();
      if (mine.isEmpty()) {
        lease.release();
        break;
      }
      boolean everything = lease.size() < size; // the lease holds all that waits: the tail is final
      ChunkCutter cutter = new ChunkCutter(mine, channels, plan.pointsPerChunk());
      List<BufferRecord> delivered = new ArrayList<>();
      Optional<ChunkCutter.Chunk> chunk;
      while ((chunk = cutter.next(everything)).isPresent()) {
        Optional<Delivery> failed = streams.send(instrument, chunk.get(), exchange);
        if (failed.isPresent()) {
          complete(lease, delivered);
          throw new FinalizeException("sending chunk " + (chunks + 1) + " failed: " + describe(failed.get())
              + "; nothing was finalized, run the command again");
        }
        delivered.addAll(chunk.get().covered());
        chunks++;
        samples += chunk.get().covered().size();
        dropped += chunk.get().dropped();
      }
      complete(lease, delivered);
      if (everything) {
        break;
      }
      if (delivered.isEmpty()) {
        throw new FinalizeException("the backlog of uplink " + plan.name() + " is larger than one lease of " + size
            + " records and holds no full chunk of " + instrument + "; let the agent drain it first");
      }
    }
    Optional<String> dataId = streams.dataId(instrument);
    Optional<String> failed = streams.finalizeStream(instrument, exchange);
    if (failed.isPresent()) {
      throw new FinalizeException(failed.get());
    }
    return new Result(chunks, samples, dropped, dataId);
  }

  private static void complete(Lease lease, List<BufferRecord> delivered) {
    if (delivered.isEmpty()) {
      lease.release();
    } else {
      lease.ack(delivered);
    }
  }

  private static String describe(Delivery d) {
    if (d instanceof Delivery.Retry r) {
      return r.reason();
    } else if (d instanceof Delivery.Rejected r) {
      return r.reason();
    } else if (d instanceof Delivery.Unauthorized u) {
      return "credentials refused: " + u.reason();
    } else if (d instanceof Delivery.Misconfigured m) {
      return "not the Atomscale API: " + m.reason();
    }
    return d.toString();
  }
}
