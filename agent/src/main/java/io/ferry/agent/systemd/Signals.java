package io.ferry.agent.systemd;

import com.sun.jna.LastErrorException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Signals: what {@code ferry reload} sends a running Ferry, and the handlers {@code run} and
 * {@code demo} install so that SIGTERM and SIGINT stop them cleanly with exit 0 instead of the
 * JVM's default (shutdown hooks, then exit 143 or 130).
 */
public final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Sends SIGHUP to {@code pid}; false when no such process exists or it is not ours to signal. */
  public static boolean hangUp(long pid) {
    try {
      LibC.INSTANCE.kill((int) pid, LibC.SIGHUP);
      return true;
    } catch (LastErrorException | LinkageError e) {
      return false;
    }
  }

  /** No handlers yet; {@link Handlers#on} adds them, {@link Handlers#close} gives the JVM its own back. */
  public static Handlers handlers() {
    return new Handlers();
  }

  /** Handlers this process installed; closing restores the previous ones (tests run several commands in one JVM). */
  public static final class Handlers implements AutoCloseable {
    private final List<Runnable> restore = new ArrayList<>();

    private Handlers() {}

    /**
     * Runs {@code action} on each signal {@code name} ({@code TERM}, {@code INT}, {@code HUP}), on
     * the JVM's signal thread. False, with a warning, when the JVM keeps the signal to itself
     * (started with {@code -Xrs}): then the default applies.
     */
    public synchronized boolean on(String name, Runnable action) {
      try {
        Signal signal = new Signal(name);
        SignalHandler previous = Signal.handle(signal, s -> action.run());
        restore.add(() -> Signal.handle(signal, previous));
        return true;
      } catch (IllegalArgumentException e) {
        LOG.warn("cannot handle SIG{} ({}): it stops Ferry without the clean stop", name, io.ferry.config.IoCauses.message(e));
        return false;
      }
    }

    @Override
    public synchronized void close() {
      restore.forEach(Runnable::run);
      restore.clear();
    }
  }
}
