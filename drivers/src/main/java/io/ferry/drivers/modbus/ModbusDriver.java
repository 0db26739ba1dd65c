package io.ferry.drivers.modbus;

import io.ferry.core.Backoff;
import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import io.ferry.drivers.modbus.codec.ChannelDecoder;
import io.ferry.drivers.modbus.codec.ModbusChannel;
import io.ferry.drivers.modbus.codec.ReadRequest;
import io.ferry.drivers.modbus.codec.RequestPlanner;
import io.ferry.drivers.modbus.codec.SplitMemory;
import io.ferry.drivers.modbus.transport.ReadResult;
import io.ferry.drivers.spi.BackingOffException;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.PollingDriver;
import io.ferry.drivers.spi.Writable;
import io.ferry.drivers.spi.WriteOutcome;
import io.ferry.drivers.spi.WriteRequest;
import io.ferry.drivers.modbus.codec.RegisterEncoder;
import io.ferry.drivers.modbus.codec.WriteFrame;
import io.ferry.drivers.modbus.transport.WriteResult;
import io.ferry.core.ChannelId;
import io.ferry.core.WriteSpec;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instrument = one unit id on a {@link ModbusBus}. Each poll runs as one job on the bus
 * thread. A unit that times out is backed off on its own (exponential, capped): while backed
 * off its polls throw {@link BackingOffException} with the failure it backs off from, without
 * touching the bus, so the other units keep their rate and the tick is never taken for a success.
 * A merged read answered with exception 2 is split and the split is remembered for this
 * device (in memory and in the instrument's state directory).
 */
final class ModbusDriver implements PollingDriver, Writable {
  private static final Logger LOG = LoggerFactory.getLogger(ModbusDriver.class);

  private final ModbusPlan plan;
  private final ModbusBus bus;
  private final DriverContext context;
  private final Runnable onClose;
  private final StateLog state;
  private final SplitStore splitStore;
  private volatile SplitMemory splits;
  private volatile List<ReadRequest> requests;
  private volatile Backoff.State backoff;
  /** What the unit's backoff is for, in words (shown while polls are skipped). */
  private volatile String backoffCause = "";
  private volatile boolean closed;
  private String lastDeviceError;
  private final Map<ChannelId, ModbusWrite> writes;
  private final Map<ChannelId, WriteSpec> writeSpecs;

  ModbusDriver(ModbusPlan plan, ModbusBus bus, DriverContext context, Runnable onClose) {
    this.plan = plan;
    this.bus = bus;
    this.context = context;
    this.onClose = onClose;
    this.state = new StateLog(LOG, "instrument " + plan.instrument().id() + " (" + plan.instrument().file() + ", "
        + plan.transport().describe() + " unit " + plan.unit() + ")", context.metrics());
    this.splitStore = new SplitStore(context.stateDir().resolve("modbus-splits.txt"));
    this.splits = splitStore.load();
    this.requests = RequestPlanner.plan(plan.channels(), plan.limits(), splits);
    this.backoff = plan.backoff().start();
    this.writes = plan.writes().stream().collect(Collectors.toUnmodifiableMap(w -> w.channel().id(), Function.identity()));
    this.writeSpecs = plan.instrument().channels().stream().filter(c -> c.write().isPresent())
        .collect(Collectors.toUnmodifiableMap(c -> c.id(), c -> c.write().get()));
  }

  /** The reads one poll makes now (after any learned split). */
  List<ReadRequest> currentRequests() {
    return requests;
  }

  SplitMemory splits() {
    return splits;
  }

  @Override
  public List<Sample> poll() throws Exception {
    if (closed) {
      throw new IllegalStateException("driver closed");
    }
    Instant now = context.clock().instant();
    if (!backoff.allows(now)) {
      // the same words on every skipped tick: the status and its recent errors do not churn
      throw new BackingOffException(backoffCause + "; waiting before asking the unit again");
    }
    // one token per poll: an abandoned scan still queued on the bus must not be revived by the next poll
    AtomicBoolean cancelled = new AtomicBoolean();
    CompletableFuture<Scan> job = bus.submit(() -> scan(cancelled));
    Scan scan;
    try {
      scan = job.get();
    } catch (InterruptedException e) {
      cancelled.set(true);
      job.cancel(false);
      throw e;
    } catch (ExecutionException e) {
      context.metrics().increment("errors");
      throw new IOException(plan.instrument().id() + ": " + e.getCause().getMessage(), e.getCause());
    }
    Instant after = context.clock().instant();
    switch (scan.failure()) {
      case NONE -> {
        backoff = backoff.succeeded();
        state.set("unit", "connected", "");
      }
      case UNIT -> {
        backoff = backoff.failed(after);
        backoffCause = "unit " + plan.unit() + ": " + scan.detail();
        state.set("unit", "backoff", scan.detail() + "; retrying this unit at most every "
            + backoff.lastStep().toMillis() + "ms, capped at " + plan.backoff().max().toMillis() + "ms");
      }
      case LINK -> state.set("unit", "disconnected", scan.detail());
    }
    if (scan.samples().isEmpty() && !scan.detail().isEmpty()) {
      throw new IOException(plan.instrument().id() + " unit " + plan.unit() + ": " + scan.detail());
    }
    return scan.samples();
  }

  enum Failure { NONE, UNIT, LINK }

  record Scan(List<Sample> samples, Failure failure, String detail) {}

  /** Runs on the bus thread. */
  private Scan scan(AtomicBoolean cancelled) {
    List<Sample> out = new ArrayList<>();
    lastDeviceError = null;
    for (ReadRequest r : requests) {
      if (cancelled.get() || closed) {
        break;
      }
      Scan fail = read(r, out);
      if (fail != null) {
        return new Scan(out, fail.failure(), fail.detail());
      }
    }
    return new Scan(out, Failure.NONE, lastDeviceError == null ? "" : lastDeviceError);
  }

  /** Reads one request into {@code out}; returns a failing scan when the unit or link is down. */
  private Scan read(ReadRequest r, List<Sample> out) {
    ReadResult res = bus.read(plan.unit(), r);
    if (res instanceof ReadResult.Data d) {
      long micros = MicroTime.now(context.clock());
      for (ModbusChannel c : r.channels()) {
        Optional<Sample> s = ChannelDecoder.decode(c, r, d.bytes(), micros);
        if (s.isPresent()) {
          out.add(s.get());
          state.set("channel " + c.id().channel(), "ok", "");
        } else {
          context.metrics().increment("invalid");
          state.set("channel " + c.id().channel(), "invalid", c.where() + " holds no finite number (NaN or infinity); no value recorded");
        }
      }
      return null;
    }
    if (res instanceof ReadResult.DeviceException e) {
      context.metrics().increment("exceptions");
      if (e.code() == 2 && r.channels().size() > 1) {
        Optional<Integer> cut = RequestPlanner.splitPoint(r);
        if (cut.isPresent()) {
          learn(r, cut.get());
          for (ReadRequest part : RequestPlanner.plan(r.channels(), plan.limits(), splits)) {
            Scan fail = read(part, out);
            if (fail != null) {
              return fail;
            }
          }
          return null;
        }
      }
      lastDeviceError = "read " + r.describe() + " answered " + ReadResult.exceptionName(e.code());
      for (ModbusChannel c : r.channels()) {
        state.set("channel " + c.id().channel(), "exception-" + e.code(), "read " + r.describe() + " for " + c.where() + " answered "
            + ReadResult.exceptionName(e.code()));
      }
      return null;
    }
    if (res instanceof ReadResult.Timeout t) {
      context.metrics().increment("timeouts");
      context.metrics().increment("errors");
      return new Scan(out, Failure.UNIT, "read " + r.describe() + ": " + t.detail());
    }
    ReadResult.LinkDown l = (ReadResult.LinkDown) res;
    context.metrics().increment("errors");
    return new Scan(out, Failure.LINK, l.detail());
  }

  private void learn(ReadRequest r, int boundary) {
    splits = splits.with(r.table(), boundary);
    requests = RequestPlanner.plan(plan.channels(), plan.limits(), splits);
    context.metrics().increment("splits");
    LOG.warn("instrument {} ({}): the device rejected read {} with exception 2 (illegal data address); "
        + "from now on reads of {} do not cross address {} (remembered in {})", plan.instrument().id(),
        plan.instrument().file(), r.describe(), r.table().yamlName(), boundary, splitStore.file());
    splitStore.save(splits);
  }

  /**
   * Queues the write on the bus thread behind whatever is queued (a poll in progress finishes
   * first), so it never overlaps a read on the line; the request's timeout is the instrument's.
   */
  @Override
  public WriteOutcome write(WriteRequest request) throws InterruptedException {
    ModbusWrite w = writes.get(request.channel());
    if (w == null || closed) {
      return new WriteOutcome.Rejected(closed ? "the instrument is stopping" : request.channel() + " is not writable");
    }
    Optional<String> refusal = RegisterEncoder.domain(w.channel()).refusal(request.value());
    if (refusal.isPresent()) {
      return new WriteOutcome.Rejected(request.channel() + ": " + refusal.get());
    }
    WriteFrame frame = RegisterEncoder.encode(w.channel(), request.value(), w.multiple());
    AtomicBoolean cancelled = new AtomicBoolean();
    CompletableFuture<WriteOutcome> job = bus.submit(() -> cancelled.get()
        ? new WriteOutcome.Failed("abandoned before it was sent") : writeOnBus(w, frame));
    try {
      return job.get();
    } catch (InterruptedException e) {
      cancelled.set(true);
      throw e;
    } catch (ExecutionException e) {
      context.metrics().increment("errors");
      return new WriteOutcome.Failed(e.getCause().getMessage());
    }
  }

  /** Runs on the bus thread: the request, then the read back when the channel asks for it. */
  private WriteOutcome writeOnBus(ModbusWrite w, WriteFrame frame) {
    String what = "write " + frame.describe() + " to unit " + plan.unit();
    WriteResult r = bus.write(plan.unit(), frame);
    if (r instanceof WriteResult.DeviceException e) {
      context.metrics().increment("exceptions");
      return new WriteOutcome.Rejected("the device answered " + ReadResult.exceptionName(e.code()) + " to " + what);
    }
    if (r instanceof WriteResult.Timeout t) {
      context.metrics().increment("timeouts");
      return new WriteOutcome.Unknown(what + ": " + t.detail() + "; the device may or may not have applied it");
    }
    if (r instanceof WriteResult.Lost l) {
      return new WriteOutcome.Unknown(what + ": the connection broke after the request left (" + l.detail()
          + "); the device may or may not have applied it");
    }
    if (r instanceof WriteResult.LinkDown d) {
      return new WriteOutcome.Failed(what + " was not sent: " + d.detail());
    }
    Optional<Double> tolerance = Optional.ofNullable(writeSpecs.get(w.channel().id())).flatMap(WriteSpec::readBack);
    if (tolerance.isEmpty()) {
      return new WriteOutcome.Applied("the device acknowledged " + what);
    }
    return readBack(w, RegisterEncoder.stored(w.channel(), frame), tolerance.get(), what);
  }

  private WriteOutcome readBack(ModbusWrite w, double expected, double tolerance, String what) {
    ModbusChannel c = w.channel();
    ReadRequest r = new ReadRequest(c.table(), c.address(), c.count(), List.of(c));
    ReadResult res = bus.read(plan.unit(), r);
    if (res instanceof ReadResult.Data d) {
      Optional<Sample> s = ChannelDecoder.decode(c, r, d.bytes(), MicroTime.now(context.clock()));
      if (s.isPresent() && Math.abs(s.get().value() - expected) <= tolerance) {
        return new WriteOutcome.Applied("the device acknowledged " + what + " and read back " + plain(s.get().value()));
      }
      return new WriteOutcome.Rejected("the device acknowledged " + what + " but read back "
          + s.map(x -> plain(x.value())).orElse("no number") + " instead of " + plain(expected)
          + (tolerance > 0 ? " (tolerance " + plain(tolerance) + ")" : ""));
    }
    String why = res instanceof ReadResult.DeviceException e ? "answered " + ReadResult.exceptionName(e.code())
        : res instanceof ReadResult.Timeout t ? t.detail() : ((ReadResult.LinkDown) res).detail();
    return new WriteOutcome.Unknown("the device acknowledged " + what + " but the read back failed (" + why + ")");
  }

  private static String plain(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      onClose.run();
    }
  }
}
