package io.ferry.drivers.serial;

import io.ferry.core.Backoff;
import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.SampleSink;
import io.ferry.drivers.spi.StreamingDriver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the lines an instrument prints by itself on one thread, delivering each line's samples
 * to the sink. The first line after (re)connecting is dropped by default: it is usually cut
 * and a cut number ({@code 12.5} from {@code 112.5}) would be a wrong value. Reconnects with
 * exponential capped backoff until closed.
 */
final class SerialStreamingDriver implements StreamingDriver {
  private static final Logger LOG = LoggerFactory.getLogger(SerialStreamingDriver.class);

  private final SerialPlan plan;
  private final DriverContext context;
  private final LineParser parser;
  private final LineCounter counter;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Thread thread;
  private volatile ByteLink link;

  SerialStreamingDriver(SerialPlan plan, DriverContext context) {
    this.plan = plan;
    this.context = context;
    this.parser = new LineParser(plan.checksum(), plan.checksumSeparator(), plan.linePattern());
    this.counter = new LineCounter(context.metrics(), LOG, "instrument " + plan.instrument().id() + " ("
        + plan.instrument().file() + ", " + plan.endpoint().describe() + ")");
  }

  @Override
  public synchronized void start(SampleSink sink) {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = new Thread(() -> run(sink), "ferry-serial " + plan.instrument().id());
    thread.setDaemon(true);
    thread.start();
  }

  private void run(SampleSink sink) {
    Backoff.State backoff = plan.backoff().start();
    byte[] buf = new byte[4096];
    while (closed.getCount() > 0) {
      try {
        link = ByteLink.open(plan.endpoint(), plan.timeout());
        backoff = backoff.succeeded();
        counter.state("connected", "");
        LineFramer framer = new LineFramer(plan.terminator(), plan.maxLineLength());
        boolean skip = plan.skipFirstLine();
        long overlong = 0;
        while (closed.getCount() > 0) {
          int n = link.read(buf);
          if (n == 0) {
            continue;
          }
          List<Sample> batch = new ArrayList<>();
          for (String line : framer.feed(buf, 0, n)) {
            if (skip) {
              skip = false;
              counter.discard("partial", "dropped the first line after connecting (it may be cut)");
              continue;
            }
            if (line.isBlank()) {
              continue;
            }
            batch.addAll(counter.count(parser.parse(line, plan.channels(), MicroTime.now(context.clock())), line));
          }
          if (framer.overlong() > overlong) {
            overlong = framer.overlong();
            counter.discard("overlong", "dropped a line longer than maxLineLength (" + plan.maxLineLength() + ")");
          }
          if (!batch.isEmpty()) {
            deliver(sink, batch);
          }
        }
      } catch (IOException | RuntimeException e) {
        if (closed.getCount() == 0) {
          break;
        }
        context.metrics().increment("errors");
        backoff = backoff.failed(context.clock().instant());
        counter.state("disconnected", e.getMessage() + "; retrying with backoff");
      } finally {
        ByteLink l = link;
        link = null;
        if (l != null) {
          l.close();
        }
      }
      try {
        // real waiting: the injected clock stamps samples, it does not pace reconnects
        closed.await(plan.backoff().step(Math.max(1, backoff.failures())).toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void deliver(SampleSink sink, List<Sample> batch) {
    try {
      sink.accept(List.copyOf(batch)).whenComplete((ok, err) -> {
        if (err != null) {
          counter.discard("refused", "the buffer refused samples: " + err.getMessage());
        }
      });
    } catch (RuntimeException e) {
      counter.discard("refused", "the buffer refused samples: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    closed.countDown();
    ByteLink l = link;
    if (l != null) {
      l.close();
    }
    Thread t = thread;
    if (t != null) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
