package io.ferry.agent.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON of {@code /health} and of the status page's data. */
final class StatusJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private StatusJson() {}

  static ObjectNode health(Health h) {
    ObjectNode root = JSON.createObjectNode();
    root.put("status", h.state());
    root.put("healthy", h.healthy());
    root.put("time", h.at().toString());
    ArrayNode instruments = root.putArray("instruments");
    for (Health.InstrumentHealth i : h.instruments()) {
      ObjectNode n = instruments.addObject();
      n.put("id", i.id());
      n.put("state", i.state());
      n.put("healthy", i.healthy());
      instant(n, "lastSuccess", i.lastSuccess());
      n.put("pollIntervalSeconds", i.pollInterval().toMillis() / 1000.0);
      n.put("polls", i.polls());
      n.put("samples", i.samples());
      n.put("errors", i.errors());
      n.put("timeouts", i.timeouts());
      n.put("lastError", i.lastError());
      n.put("problem", i.problem());
      if (i.staleLimit().isPresent()) {
        n.put("staleLimitSeconds", i.staleLimit().get().toMillis() / 1000.0);
      } else {
        n.putNull("staleLimitSeconds");
      }
      n.put("emptyPolls", i.empty());
      n.put("skippedPolls", i.skipped());
      n.put("missedTicks", i.missedTicks());
      if (i.backfill().isPresent()) {
        Health.Backfill b = i.backfill().get();
        ObjectNode backfill = n.putObject("backfill");
        backfill.put("channelsPending", b.pending());
        backfill.put("samples", b.samples());
        instant(backfill, "reached", b.reached());
      }
    }
    ArrayNode uplinks = root.putArray("uplinks");
    for (Health.UplinkHealth u : h.uplinks()) {
      ObjectNode n = uplinks.addObject();
      n.put("name", u.name());
      n.put("type", u.type());
      n.put("state", u.state());
      n.put("healthy", u.healthy());
      n.put("problem", u.problem());
      n.put("backlog", u.backlog());
      if (u.oldestAge().isPresent()) {
        n.put("oldestUnsentAgeSeconds", u.oldestAge().get().toMillis() / 1000.0);
      } else {
        n.putNull("oldestUnsentAgeSeconds");
      }
      instant(n, "lastSuccess", u.lastSuccess());
      n.put("delivered", u.delivered());
      n.put("lastError", u.lastError());
      n.put("catchUp", u.catchUp());
      n.put("catchUpSeconds", u.catchUpSeconds());
      ObjectNode unknown = n.putObject("outcomeUnknown");
      unknown.put("count", u.outcomeUnknown().total());
      unknown.put("what", u.outcomeUnknown().what());
      unknown.put("summary", u.outcomeUnknown().counts());
      instant(unknown, "last", u.outcomeUnknown().last());
      ArrayNode series = unknown.putArray("series");
      u.outcomeUnknown().bySeries().forEach((key, c) -> series.addObject().put("key", key).put("count", c.count()).put("amount", c.amount()));
    }
    Health.BufferHealth b = h.buffer();
    ObjectNode buffer = root.putObject("buffer");
    buffer.put("state", b.state());
    buffer.put("healthy", b.healthy());
    buffer.put("bytes", b.bytes());
    buffer.put("maxBytes", b.maxBytes());
    buffer.put("freeDiskBytes", b.freeBytes());
    buffer.put("appended", b.appended());
    buffer.put("refused", b.refused());
    return root;
  }

  /** /health plus the histories and recent errors, for the status page. */
  static ObjectNode page(Health h, Observatory o) {
    ObjectNode root = health(h);
    root.put("sampleEverySeconds", o.sampleEvery().toMillis() / 1000.0);
    ObjectNode history = root.putObject("history");
    series(history.putObject("latencyMillis"), o.latencyHistory());
    series(history.putObject("pollRate"), o.pollRateHistory());
    series(history.putObject("backlog"), o.backlogHistory());
    points(history.putArray("bufferBytes"), o.bufferHistory());
    // Per channel with report: (the metrics sum them per instrument): "sent 4 % of polled".
    ArrayNode report = root.putArray("report");
    o.current().buffer().ifPresent(b -> b.reported().forEach((channel, r) -> report.addObject()
        .put("channel", channel).put("polled", r.polled()).put("suppressed", r.suppressed()).put("sentPercent", r.sentPercent())));
    ArrayNode errors = root.putArray("recentErrors");
    for (ErrorLog.Entry e : o.recentErrors()) {
      ObjectNode n = errors.addObject();
      n.put("time", Instant.ofEpochMilli(e.millis()).toString());
      n.put("source", e.source());
      n.put("message", e.message());
    }
    ArrayNode writes = root.putArray("recentWrites");
    o.writes().ifPresent(w -> {
      for (io.ferry.buffer.WriteAudit.Entry e : w.recent(RECENT_WRITES)) {
        ObjectNode n = writes.addObject();
        n.put("time", e.time().toString());
        n.put("source", e.source());
        n.put("channel", e.channel());
        n.put("value", e.value());
        n.put("outcome", e.outcome());
        n.put("detail", e.detail());
        n.put("durationMs", e.duration().toMillis());
      }
    });
    return root;
  }

  /** The status page shows this many of the newest writes (the whole audit: {@code ferry writes}). */
  static final int RECENT_WRITES = 10;

  /**
   * Which agent answers ({@code "agent": {"gatewayId", "stateDir"}}): with two agents on one
   * machine a port clash can put the other one behind this configuration's port, and
   * {@code ferry status} must be able to tell. Two agents never share a state directory (the
   * buffer is locked), so the pair names one agent; the path is absolute.
   */
  static ObjectNode withAgent(ObjectNode root, io.ferry.agent.plan.AgentPlan plan) {
    ObjectNode agent = root.putObject("agent");
    agent.put("gatewayId", plan.gatewayId());
    agent.put("stateDir", plan.stateDir().toAbsolutePath().normalize().toString());
    return root;
  }

  private static void series(ObjectNode target, Map<String, List<Ring.Point>> all) {
    all.forEach((k, v) -> points(target.putArray(k), v));
  }

  private static void points(ArrayNode target, List<Ring.Point> points) {
    for (Ring.Point p : points) {
      ArrayNode pair = target.addArray();
      pair.add(p.millis());
      pair.add(Double.isFinite(p.value()) ? Math.round(p.value() * 1000) / 1000.0 : 0);
    }
  }

  private static void instant(ObjectNode n, String key, Optional<Instant> t) {
    if (t.isPresent()) {
      n.put(key, t.get().toString());
    } else {
      n.putNull(key);
    }
  }

}
