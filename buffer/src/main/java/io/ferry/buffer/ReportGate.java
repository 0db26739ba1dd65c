package io.ferry.buffer;

import io.ferry.buffer.Routing.ChannelRoute;
import io.ferry.core.ChannelId;
import io.ferry.core.ReportFilter;
import io.ferry.core.ReportFilter.Decision;
import io.ferry.core.ReportSpec;
import io.ferry.core.Sample;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report-by-exception filter on the writer thread: one {@link ReportFilter.State} per
 * filtered channel, with its counts of polled and suppressed samples. Decisions taken inside an
 * append transaction stay pending until it commits ({@link #committed()}); a rolled-back batch
 * ({@link #discard()}) leaves state and counts as they were, so the next sample is judged against
 * what the file really holds.
 *
 * <p>Memory only, on purpose: after a restart (or a reload that changed a channel's spec) the
 * first sample of each channel is reported, so no suppressed sample is ever judged against a
 * report that is not stored.
 */
final class ReportGate {
  private record Channel(ReportSpec spec, ReportFilter.State state, long polled, long suppressed) {}

  private final Map<ChannelId, Channel> committed = new HashMap<>();
  private final Map<ChannelId, Channel> pending = new HashMap<>();

  /** Decides for {@code s} of a channel that has a report spec; counted once committed. */
  Decision decide(ChannelRoute r, Sample s) {
    ReportSpec spec = r.report().orElseThrow();
    Channel c = pending.get(r.id());
    if (c == null) {
      c = committed.get(r.id());
    }
    if (c == null) {
      c = new Channel(spec, null, 0, 0);
    } else if (!c.spec().equals(spec)) {
      c = new Channel(spec, null, c.polled(), c.suppressed());
    }
    Decision d = ReportFilter.decide(spec, c.state(), s);
    // A held edge counted as suppressed when it was polled is reported now.
    long suppressed = d instanceof Decision.Report rep ? (rep.edge().isPresent() ? -1 : 0) : 1;
    pending.put(r.id(), new Channel(spec, d.next(), c.polled() + 1, c.suppressed() + suppressed));
    return d;
  }

  void committed() {
    committed.putAll(pending);
    pending.clear();
  }

  void discard() {
    pending.clear();
  }

  /** Forgets channels that are no longer filtered (a changed spec restarts at its next sample). */
  void configure(Routing routing) {
    committed.keySet().removeIf(id -> {
      ChannelRoute r = routing.get(id);
      return r == null || r.report().isEmpty();
    });
  }

  /** Counts per "instrument/channel" of every filtered channel seen since open. */
  Map<String, BufferStats.Reported> counts() {
    Map<String, BufferStats.Reported> m = new TreeMap<>();
    committed.forEach((id, c) -> m.put(id.toString(), new BufferStats.Reported(c.polled(), c.suppressed())));
    return m;
  }
}
