package io.ferry.uplink;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link InstrumentWatch} whose verdict its owner sets (the agent's watch, a test standing in
 * for it): {@link #down()} reads the last set, listeners are told on the setter's thread when it
 * changed, never for the same set again.
 */
public final class InstrumentVerdicts implements InstrumentWatch {
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Set<String> down = Set.of();

  @Override
  public Set<String> down() {
    return down;
  }

  @Override
  public Subscription onChange(Runnable changed) {
    listeners.add(changed);
    return () -> listeners.remove(changed);
  }

  /** The instruments down now; returns whether that changed (and the listeners were told). */
  public boolean set(Set<String> nowDown) {
    synchronized (listeners) {
      if (nowDown.equals(down)) {
        return false;
      }
      down = Set.copyOf(nowDown);
    }
    for (Runnable l : listeners) {
      l.run();
    }
    return true;
  }

  /** Forgets every listener (the owner stops). */
  public void clear() {
    listeners.clear();
  }
}
