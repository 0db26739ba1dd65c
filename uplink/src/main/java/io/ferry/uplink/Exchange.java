package io.ferry.uplink;

import io.ferry.core.Sleeper;
import io.ferry.http.HttpPolicy;
import io.ferry.http.Reply;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One uplink's HTTP channel (the shared rules, {@link HttpPolicy} and {@link Reply}, live in {@code io.ferry.http}): keeps at least {@code minInterval} between calls, counts bytes on the
 * wire, applies the timeouts, and can cancel the call in flight when the uplink stops. OkHttp's
 * silent retry on connection failure is off: whether to resend is the uplink's decision (an
 * Atomscale initialize must never be resent blindly).
 */
public final class Exchange {
  private final OkHttpClient client;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private final Duration minInterval;
  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();
  private volatile Call inFlight;
  private volatile boolean cancelled;
  private Instant lastCall = Instant.MIN;
  private final Duration callTimeout;
  /**
   * When the work in progress is due back, by the injected clock: a pacing wait's end, a call's
   * start plus its own timeout, or a handler's own estimate ({@link #dueWithin}). A watchdog judges
   * a step by this, so a long configured timeout is never taken for a hang.
   */
  private volatile Instant dueBy;

  public Exchange(OkHttpClient base, RunnerSettings s, InstantSource clock, Sleeper sleeper) {
    OkHttpClient.Builder builder = base.newBuilder()
        .connectTimeout(s.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .readTimeout(s.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .writeTimeout(s.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .callTimeout(s.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .socketFactory(new NoDelaySockets())
        // No silent resend: whether a request may be sent twice is the uplink's decision.
        .retryOnConnectionFailure(false);
    // No redirects: the one HTTP policy of uplinks and the mirror (issue 17, 29).
    this.client = HttpPolicy.apply(builder).build();
    this.clock = clock;
    this.sleeper = sleeper;
    this.minInterval = s.minInterval();
    this.callTimeout = s.callTimeout();
  }

  /**
   * Waits for the pacing interval, sends, reads the answer. An {@link IOException} means the
   * outcome is unknown when the request body may have reached the server (timeouts, a connection
   * dropped after the request, a truncated answer).
   */
  public Reply send(Request request) throws IOException, InterruptedException {
    pace();
    if (cancelled) {
      throw new InterruptedIOException("uplink stopping");
    }
    Request counted = request.body() == null ? request
        : request.newBuilder().method(request.method(), WatchedBody.counting(request.body(), bytesSent)).build();
    Call call = client.newCall(counted);
    inFlight = call;
    calls.incrementAndGet();
    lastCall = clock.instant();
    // OkHttp's call timeout spans the whole call (DNS, connect, body, answer): it is back by then.
    dueBy = lastCall.plus(callTimeout);
    try (Response response = call.execute()) {
      return Reply.of(response);
    } finally {
      inFlight = null;
      lastCall = clock.instant();
      dueBy = lastCall;
    }
  }

  /**
   * Says that the work starting now (a call that does not go through {@link #send}, such as an MQTT
   * publish, or the engine's own part of a step) is due back within {@code d}. {@code ZERO}: due now,
   * so only the watchdog's margin remains.
   */
  public void dueWithin(Duration d) {
    dueBy = clock.instant().plus(d);
  }

  /** When the work in progress is due back (see {@link #dueWithin}); empty before any was started. */
  public java.util.Optional<Instant> dueBy() {
    return java.util.Optional.ofNullable(dueBy);
  }

  /** Counts a call made without HTTP (a file write) so status figures stay comparable. */
  public void countCall(long bytes) {
    calls.incrementAndGet();
    bytesSent.addAndGet(bytes);
  }

  private void pace() throws InterruptedException {
    if (lastCall.equals(Instant.MIN) || minInterval.isZero()) {
      return;
    }
    Duration since = Duration.between(lastCall, clock.instant());
    Duration wait = minInterval.minus(since);
    if (!wait.isNegative() && !wait.isZero()) {
      dueWithin(wait);
      sleeper.sleep(wait);
    }
  }

  /**
   * True once {@link #cancel()} was called: handlers that wait on something other than an HTTP call
   * (a Sparkplug host coming online) look here to stop waiting when the uplink stops.
   */
  public boolean cancelled() {
    return cancelled;
  }

  /** Cancels the call in flight and every later call (the uplink is stopping). */
  public void cancel() {
    cancelled = true;
    Call c = inFlight;
    if (c != null) {
      c.cancel();
    }
  }

  public long bytesSent() {
    return bytesSent.get();
  }

  public long calls() {
    return calls.get();
  }
}
