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

  /**
   * Whether this process ignores signal {@code number} now: the {@code SigIgn} mask of
   * {@code /proc/self/status} (false where there is no such file).
   */
  public static boolean ignored(int number) {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          return new java.math.BigInteger(line.substring("SigIgn:".length()).trim(), 16).testBit(number - 1);
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      LOG.debug("cannot read the ignored signals of this process: {}", io.ferry.config.IoCauses.message(e));
    }
    return false;
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

    /**
     * Takes signal {@code name} back when a native library set it to ignored behind the JVM's back
     * (jSerialComm does so with SIGHUP when it loads): the JVM will not handle a signal that is
     * ignored, so its disposition goes back to the default for the instant between, then
     * {@code action} handles it again. False when the signal was not ignored (nothing done).
     */
    public synchronized boolean reclaim(String name, Runnable action) {
      int number = new Signal(name).getNumber();
      if (!ignored(number)) {
        return false;
      }
      try {
        LibC.INSTANCE.signal(number, null); // SIG_DFL
      } catch (LinkageError e) {
        LOG.warn("cannot take SIG{} back ({}): it stays ignored", name, io.ferry.config.IoCauses.message(e));
        return false;
      }
      return on(name, action) && !ignored(number);
    }

    @Override
    public synchronized void close() {
      // Newest first: a reclaimed signal's first handler is the one the JVM had before us.
      for (int i = restore.size() - 1; i >= 0; i--) {
        restore.get(i).run();
      }
      restore.clear();
    }
  }
}
