package io.ferry.agent.runtime;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.ExtraContext;
import io.ferry.agent.plan.PlannedExtra;
import io.ferry.agent.plan.PlannedInstrument;
import io.ferry.agent.plan.PlannedUplink;
import io.ferry.buffer.Buffer;
import io.ferry.buffer.BufferStats;
import io.ferry.buffer.SqliteBuffer;
import io.ferry.core.Sleeper;
import io.ferry.drivers.spi.Driver;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.SampleSink;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.UplinkStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: the buffer, the uplinks reading from it, the scheduler feeding it, and the
 * optional services. Starts in that order (so nothing polled waits for a closed buffer) and stops
 * in reverse: drivers first, then the buffer is flushed, then uplinks and services stop, then the
 * buffer closes. Unacknowledged leases are simply released at the next start.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final Buffer buffer;
  private final OkHttpClient http;
  private final List<UplinkService> uplinks = new ArrayList<>();
  private final List<PlannedExtra.RunningExtra> extras = new ArrayList<>();
  private final List<LoggingDriverMetrics> driverMetrics = new ArrayList<>();
  private Scheduler scheduler;
  private final AtomicLong buffered = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The buffer's last stats, taken just before it closed, so the final status line is true. */
  private volatile BufferStats finalStats;

  private Agent(AgentPlan plan, InstantSource clock) {
    createDirectories(plan.stateDir());
    buffer = SqliteBuffer.open(plan.buffer(), plan.channels(), clock);
    http = new OkHttpClient();
    try {
      UplinkContext uctx = new UplinkContext(buffer, clock, http, Sleeper.system(), new SplittableRandom());
      for (PlannedUplink pu : plan.uplinks()) {
        UplinkService service = pu.factory().open(pu.plan(), uctx);
        uplinks.add(service);
        service.start();
      }
      ExtraContext ectx = new ExtraContext(buffer, clock);
      for (PlannedExtra e : plan.extras()) {
        extras.add(e.start(ectx));
      }
      SampleSink sink = samples -> buffer.append(samples).thenRun(() -> buffered.addAndGet(samples.size()));
      scheduler = new Scheduler(clock, Sleeper.system(), sink);
      for (PlannedInstrument pi : plan.instruments()) {
        Path state = plan.stateDir().resolve("instruments").resolve(pi.info().id());
        createDirectories(state);
        LoggingDriverMetrics metrics = new LoggingDriverMetrics(pi.info().id());
        driverMetrics.add(metrics);
        Driver driver = pi.factory().open(pi.plan(), new DriverContext(clock, state, metrics));
        scheduler.add(pi.info(), driver);
      }
      scheduler.start();
    } catch (RuntimeException e) {
      if (scheduler != null) {
        scheduler.close(); // closes the drivers already opened, even though it never started
      }
      closeUplinksAndBuffer();
      throw e;
    }
    LOG.info("ferry started: gateway {}, {} instruments, {} uplinks, buffer {}", plan.gatewayId(),
        plan.instruments().size(), plan.uplinks().size(), plan.buffer().file());
  }

  /** Opens the buffer, starts uplinks, services and instruments. */
  public static Agent start(AgentPlan plan, InstantSource clock) {
    return new Agent(plan, clock);
  }

  public Buffer buffer() {
    return buffer;
  }

  public AgentStatus status() {
    PollStats polls = scheduler.totals();
    List<UplinkStatus> us = uplinks.stream().map(UplinkService::status).toList();
    long uploaded = us.stream().mapToLong(UplinkStatus::recordsDelivered).sum();
    BufferStats stats = closed.get() ? finalStats : buffer.stats();
    long backlog = stats == null ? 0
        : stats.uplinks().values().stream().mapToLong(b -> b.samples() + b.rollups() + b.increments()).sum();
    long refused = stats == null ? polls.refused() : stats.refused();
    List<String> extraStatus = extras.stream().map(PlannedExtra.RunningExtra::statusFragment).toList();
    return new AgentStatus(polls.samples(), buffered.get(), refused, uploaded, backlog,
        polls.errors() + polls.timeouts(), us, extraStatus);
  }

  /** Stops drivers, flushes the buffer, stops uplinks and services, closes the buffer. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("ferry stopping");
    scheduler.close();
    driverMetrics.forEach(LoggingDriverMetrics::logTotals);
    buffer.flush();
    closeUplinksAndBuffer();
    LOG.info("ferry stopped");
  }

  private void closeUplinksAndBuffer() {
    for (PlannedExtra.RunningExtra e : extras) {
      try {
        e.close();
      } catch (RuntimeException ex) {
        LOG.warn("stopping a service failed: {}", ex.toString());
      }
    }
    for (UplinkService u : uplinks) {
      try {
        u.close();
      } catch (RuntimeException ex) {
        LOG.warn("stopping uplink {} failed: {}", u.name(), ex.toString());
      }
    }
    try {
      finalStats = buffer.stats();
    } catch (RuntimeException ex) {
      LOG.warn("reading the buffer's final counts failed: {}", ex.toString());
    }
    buffer.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create state directory " + dir + ": " + e.getMessage(), e);
    }
  }
}
