package io.ferry.agent.runtime;

/**
 * One poll of one tick, shared by the tick thread (which may abandon it at its deadline) and the
 * poll thread (which runs it). Whoever moves it out of RUNNING first decides its outcome, so a
 * poll returning just as its deadline passes is counted exactly once, and the interrupt of an
 * abandoned poll can never leak into the next one (it is sent and cleared under this lock).
 */
final class PollAttempt {
  private enum State { PENDING, RUNNING, COMPLETED, ABANDONED }

  final long tickMicros;
  final long deadlineMicros;
  private State state = State.PENDING;
  private Thread runner;
  private volatile boolean exited;

  PollAttempt(long tickMicros, long deadlineMicros) {
    this.tickMicros = tickMicros;
    this.deadlineMicros = deadlineMicros;
  }

  /** Called by the poll thread before polling; false when the attempt was abandoned before it started. */
  synchronized boolean begin() {
    if (state != State.PENDING) {
      return false;
    }
    state = State.RUNNING;
    runner = Thread.currentThread();
    return true;
  }

  /** Called by the poll thread after polling; true when its result counts (it was not abandoned). Clears a stray interrupt. */
  synchronized boolean complete() {
    runner = null;
    Thread.interrupted();
    if (state == State.RUNNING) {
      state = State.COMPLETED;
      return true;
    }
    return false;
  }

  /** Called by the tick thread at the deadline; interrupts the poll. True when this call abandoned it. */
  synchronized boolean abandon() {
    if (state == State.COMPLETED || state == State.ABANDONED) {
      return false;
    }
    state = State.ABANDONED;
    if (runner != null) {
      runner.interrupt();
    }
    return true;
  }

  synchronized boolean abandoned() {
    return state == State.ABANDONED;
  }

  /** The poll thread has left the driver (normally, by exception, or after being abandoned). */
  boolean exited() {
    return exited;
  }

  void exit() {
    exited = true;
  }
}
