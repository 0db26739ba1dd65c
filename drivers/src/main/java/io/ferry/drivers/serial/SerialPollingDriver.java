package io.ferry.drivers.serial;

import io.ferry.core.Backoff;
import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.BackingOffException;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.PollingDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request/response: per poll, each distinct command is sent and one reply line is read within
 * the timeout. Echoed commands and empty lines are skipped. After a timeout, bytes that arrive
 * late are drained before the next command so a late reply is never taken for the next one.
 */
final class SerialPollingDriver implements PollingDriver, io.ferry.drivers.spi.Writable {
  private static final Logger LOG = LoggerFactory.getLogger(SerialPollingDriver.class);

  private final SerialPlan plan;
  private final DriverContext context;
  private final LineFramer framer;
  private final LineParser parser;
  private final LineCounter counter;
  private ByteLink link;
  private Backoff.State backoff;
  /** Why the link is down, in words (the cause of the polls skipped during the backoff). */
  private String downCause = "";
  private boolean dirty;
  private final byte[] buf = new byte[4096];

  SerialPollingDriver(SerialPlan plan, DriverContext context) {
    this.plan = plan;
    this.context = context;
    this.framer = new LineFramer(plan.terminator(), plan.maxLineLength());
    this.parser = new LineParser(plan.checksum(), plan.checksumSeparator(), plan.linePattern());
    this.counter = new LineCounter(context.metrics(), LOG, "instrument " + plan.instrument().id() + " ("
        + plan.instrument().file() + ", " + plan.endpoint().describe() + ")");
    this.backoff = plan.backoff().start();
  }

  @Override
  public synchronized List<Sample> poll() throws Exception {
    openLink(context.clock().instant());
    List<Sample> out = new ArrayList<>();
    String failure = null;
    try {
      if (dirty) {
        drain();
      }
      for (Map.Entry<String, List<SerialChannel>> e : plan.byCommand().entrySet()) {
        String f = ask(e.getKey(), e.getValue(), out);
        failure = f != null ? f : failure;
      }
    } catch (IOException e) {
      link.close();
      link = null;
      backoff = backoff.failed(context.clock().instant());
      downCause = e.getMessage();
      context.metrics().increment("errors");
      counter.state("disconnected", e.getMessage() + "; retrying with backoff");
      if (out.isEmpty()) {
        throw e;
      }
      return out;
    }
    backoff = backoff.succeeded();
    counter.state("connected", "");
    if (out.isEmpty() && failure != null) {
      throw new IOException(plan.instrument().id() + ": " + failure);
    }
    return out;
  }

  /** Opens the link when it is closed and the backoff allows; otherwise throws with the cause in words. */
  private void openLink(Instant now) throws IOException, BackingOffException {
    if (link != null) {
      return;
    }
    if (!backoff.allows(now)) {
      // no I/O until the backoff passed; never an empty success (the port may be gone)
      throw new BackingOffException(downCause + "; waiting before opening it again");
    }
    try {
      link = ByteLink.open(plan.endpoint(), plan.timeout());
      framer.reset();
      dirty = false;
    } catch (IOException e) {
      backoff = backoff.failed(now);
      downCause = e.getMessage();
      context.metrics().increment("errors");
      counter.state("disconnected", e.getMessage() + "; retrying with backoff");
      throw e;
    }
  }

  /** Sends one command and reads its reply line; returns why nothing was read, or null. */
  private String ask(String command, List<SerialChannel> channels, List<Sample> out) throws IOException {
    framer.reset();
    link.write((command + plan.lineEnding()).getBytes(StandardCharsets.ISO_8859_1));
    long deadline = context.ticker().nanos() + plan.timeout().toNanos();
    long overlongBefore = framer.overlong();
    while (context.ticker().nanos() - deadline < 0) {
      int n = link.read(buf);
      if (n == 0) {
        continue;
      }
      for (String line : framer.feed(buf, 0, n)) {
        if (line.isBlank() || line.trim().equals(command.trim())) {
          continue;
        }
        LineParser.Result r = parser.parse(line, channels, MicroTime.now(context.clock()));
        List<Sample> samples = counter.count(r, line);
        out.addAll(samples);
        return samples.isEmpty() ? "reply to " + SerialPlan.escape(command) + " could not be read: "
            + ((LineParser.Rejected) r).reason() : null;
      }
      if (framer.overlong() > overlongBefore) {
        counter.discard("overlong", "reply longer than maxLineLength (" + plan.maxLineLength() + ") dropped");
        overlongBefore = framer.overlong();
      }
    }
    dirty = true;
    context.metrics().increment("timeouts");
    int partial = framer.reset();
    if (partial > 0) {
      counter.discard("partial", "reply to " + SerialPlan.escape(command) + " was cut off (no terminator within the timeout)");
    }
    return "no reply to " + SerialPlan.escape(command) + " within " + plan.timeout().toMillis() + "ms";
  }

  /**
   * Sends a channel's command and reads one reply line, under the same lock as a poll (never in
   * the middle of one). The reply must match the channel's {@code reply} pattern: otherwise the
   * instrument refused it ({@code rejected}, with its answer). No reply within the timeout after
   * the command left is {@code unknown}; a port that cannot be opened or written is {@code failed}.
   */
  @Override
  public synchronized io.ferry.drivers.spi.WriteOutcome write(io.ferry.drivers.spi.WriteRequest request) {
    SerialCommand w = plan.writes().stream().filter(x -> x.channel().equals(request.channel())).findFirst().orElse(null);
    if (w == null) {
      return new io.ferry.drivers.spi.WriteOutcome.Rejected(request.channel() + " is not writable");
    }
    String command = w.render(request.value());
    String what = "command " + SerialPlan.escape(command);
    try {
      openLink(context.clock().instant());
    } catch (BackingOffException | IOException e) {
      return new io.ferry.drivers.spi.WriteOutcome.Failed(what + " was not sent: " + e.getMessage());
    }
    try {
      if (dirty) {
        drain();
      }
      framer.reset();
      link.write((command + plan.lineEnding()).getBytes(StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      lost(e);
      return new io.ferry.drivers.spi.WriteOutcome.Failed(what + " was not sent: " + e.getMessage());
    }
    try {
      long deadline = context.ticker().nanos() + plan.timeout().toNanos();
      while (context.ticker().nanos() - deadline < 0) {
        int n = link.read(buf);
        for (String line : n == 0 ? List.<String>of() : framer.feed(buf, 0, n)) {
          if (line.isBlank() || line.trim().equals(command.trim())) {
            continue; // an echo of the command is not its reply
          }
          if (!w.accepts(line)) {
            return new io.ferry.drivers.spi.WriteOutcome.Rejected("the instrument answered \"" + line.trim() + "\" to " + what
                + " (expected /" + w.reply().pattern() + "/)");
          }
          return verify(request, w, what, line.trim());
        }
      }
    } catch (IOException e) {
      lost(e);
      return new io.ferry.drivers.spi.WriteOutcome.Unknown(what + " was sent but the link broke before a reply (" + e.getMessage() + ")");
    }
    dirty = true;
    context.metrics().increment("timeouts");
    framer.reset();
    return new io.ferry.drivers.spi.WriteOutcome.Unknown("no reply to " + what + " within " + plan.timeout().toMillis()
        + "ms; the instrument may or may not have applied it");
  }

  /** With {@code verify: readBack}: the channel's own poll command once, compared within the tolerance. */
  private io.ferry.drivers.spi.WriteOutcome verify(io.ferry.drivers.spi.WriteRequest request, SerialCommand w, String what, String reply)
      throws IOException {
    java.util.Optional<Double> tolerance = plan.instrument().channels().stream().filter(c -> c.id().equals(request.channel())).findFirst()
        .flatMap(c -> c.write()).flatMap(io.ferry.core.WriteSpec::readBack);
    if (tolerance.isEmpty()) {
      return new io.ferry.drivers.spi.WriteOutcome.Applied("the instrument answered \"" + reply + "\" to " + what);
    }
    SerialChannel channel = plan.channels().stream().filter(c -> c.id().equals(request.channel())).findFirst().orElseThrow();
    List<Sample> back = new ArrayList<>();
    String failure = ask(channel.command(), List.of(channel), back);
    if (back.isEmpty()) {
      return new io.ferry.drivers.spi.WriteOutcome.Unknown("the instrument answered \"" + reply + "\" to " + what + " but the read back failed ("
          + failure + ")");
    }
    double got = back.get(0).value();
    return Math.abs(got - request.value()) <= tolerance.get()
        ? new io.ferry.drivers.spi.WriteOutcome.Applied("the instrument answered \"" + reply + "\" to " + what + " and read back "
            + SerialCommand.plain(got))
        : new io.ferry.drivers.spi.WriteOutcome.Rejected("the instrument answered \"" + reply + "\" to " + what + " but read back "
            + SerialCommand.plain(got) + " instead of " + SerialCommand.plain(request.value()));
  }

  private void lost(IOException e) {
    link.close();
    link = null;
    backoff = backoff.failed(context.clock().instant());
    downCause = e.getMessage();
    context.metrics().increment("errors");
    counter.state("disconnected", e.getMessage() + "; retrying with backoff");
  }

  /** Reads and drops whatever arrived late (one read slice). */
  private void drain() throws IOException {
    int n = link.read(buf);
    if (n > 0) {
      counter.discard("stale", "dropped bytes that arrived after a timeout");
    }
    framer.reset();
    dirty = false;
  }

  @Override
  public synchronized void close() {
    if (link != null) {
      link.close();
      link = null;
    }
  }
}
