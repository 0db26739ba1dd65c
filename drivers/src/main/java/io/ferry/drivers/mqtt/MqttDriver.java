package io.ferry.drivers.mqtt;

import io.ferry.config.TlsSockets;
import io.ferry.core.Backoff;
import io.ferry.core.LogGate;
import io.ferry.core.MicroTime;
import io.ferry.core.Sample;
import io.ferry.drivers.mqtt.MqttPlan.Connection;
import io.ferry.drivers.spi.DriverContext;
import io.ferry.drivers.spi.SampleSink;
import io.ferry.drivers.spi.StreamingDriver;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 3.1.1 input over Eclipse Paho with end-to-end at-least-once delivery: persistent session
 * (clean session off), QoS 1 subscriptions and manual acknowledgements, so that a message is
 * acknowledged to the broker only after the buffer reported its samples durable. If Ferry dies
 * before that, the broker delivers the message again to the next run with the same client id.
 *
 * <p>Reconnection is Ferry's own (Paho's automatic reconnect is off): every connection attempt
 * runs on one scheduler thread, with exponential backoff and jitter, and after each CONNACK the
 * subscriptions are checked against what the broker's session holds ({@link SessionState}).
 *
 * <p>Threads: Paho's callback thread decodes and hands samples to the sink; the buffer's
 * completion threads send the acknowledgements (in arrival order, {@link AckTracker}); the
 * scheduler thread connects, subscribes and closes.
 */
final class MqttDriver implements StreamingDriver, io.ferry.drivers.spi.Writable {
  private static final Logger LOG = LoggerFactory.getLogger(MqttDriver.class);
  private static final Duration LOG_EVERY = Duration.ofMinutes(1);

  private final MqttPlan plan;
  private final Connection conn;
  private final DriverContext context;
  private final PayloadDecoder decoder;
  private final Backoff backoff;
  private final ScheduledExecutorService scheduler;
  /** Malformed payloads, unmapped fields, refused samples and connection failures: first at once, then one line a minute each. */
  private final LogGate logs;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  private volatile SampleSink sink;
  /** The connection being made or in use; null between attempts. */
  private volatile Session session;

  /** Created once on the scheduler thread; read by the threads that acknowledge. */
  private volatile MqttAsyncClient client;

  // Scheduler thread only.
  private String clientId;
  private int failures;
  private String state = "";

  /** One connection attempt and, once connected, its messages awaiting acknowledgement. */
  private static final class Session {
    final AckTracker acks = new AckTracker();
    boolean sessionPresent;
  }

  MqttDriver(MqttPlan plan, DriverContext context) {
    this.plan = plan;
    this.conn = plan.connection();
    this.context = context;
    this.decoder = new PayloadDecoder(plan);
    this.backoff = conn.backoff();
    String id = plan.instrument().id();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ferry-mqtt-" + id);
      t.setDaemon(true);
      return t;
    });
    this.logs = LogGate.sampled(context.clock(), LOG_EVERY);
  }

  @Override
  public void start(SampleSink sink) {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("MQTT driver for " + plan.instrument().id() + " already started");
    }
    this.sink = sink;
    scheduler.execute(this::connect);
  }

  /**
   * Publishes the channel's command with QoS 1 on the instrument's own connection and waits for
   * the broker's PUBACK (at most the connection's {@code connectTimeout}). Not connected: nothing is
   * sent ({@code failed}); no PUBACK in time: {@code unknown}. The device's own answer is not part
   * of MQTT: {@code applied} means the broker took the command.
   */
  @Override
  public io.ferry.drivers.spi.WriteOutcome write(io.ferry.drivers.spi.WriteRequest request) {
    MqttPlan.Command cmd = plan.commands().stream().filter(c -> c.channel().equals(request.channel())).findFirst().orElse(null);
    if (cmd == null) {
      return new io.ferry.drivers.spi.WriteOutcome.Rejected(request.channel() + " is not writable");
    }
    String payload = cmd.render(request.value());
    String what = "publish \"" + payload + "\" to " + cmd.topic();
    MqttAsyncClient c = client;
    if (c == null || !c.isConnected() || closed.get()) {
      return new io.ferry.drivers.spi.WriteOutcome.Failed(what + " was not sent: not connected to " + conn.url());
    }
    IMqttToken token;
    try {
      token = c.publish(cmd.topic(), payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, cmd.retain());
    } catch (MqttException e) {
      return new io.ferry.drivers.spi.WriteOutcome.Failed(what + " was not sent: " + io.ferry.config.IoCauses.message(e));
    }
    try {
      token.waitForCompletion(conn.connectTimeout().toMillis());
    } catch (MqttException e) {
      return new io.ferry.drivers.spi.WriteOutcome.Unknown(what + ": no acknowledgement from the broker within "
          + conn.connectTimeout().toMillis() + "ms (" + io.ferry.config.IoCauses.message(e) + ")");
    }
    return token.isComplete() && token.getException() == null
        ? new io.ferry.drivers.spi.WriteOutcome.Applied("the broker acknowledged " + what)
        : new io.ferry.drivers.spi.WriteOutcome.Unknown(what + ": no acknowledgement from the broker within " + conn.connectTimeout().toMillis() + "ms");
  }

  // ------------------------------------------------------------------ connection (scheduler thread)

  private void connect() {
    if (closed.get()) {
      return;
    }
    Session s = new Session();
    session = s;
    try {
      if (client == null) {
        clientId = resolveClientId();
        client = new MqttAsyncClient(conn.url(), clientId, new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback(new Callback());
      }
      setState("connecting");
      client.connect(options(), null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          boolean present = token.getSessionPresent();
          scheduler.execute(() -> connected(s, present));
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          scheduler.execute(() -> lost(s, "cannot connect to " + conn.url(), e, "connectFailures"));
        }
      });
    } catch (MqttException | GeneralSecurityException | IOException | RuntimeException e) {
      lost(s, "cannot connect to " + conn.url(), e, "connectFailures");
    }
  }

  private String resolveClientId() {
    if (conn.clientId().isPresent()) {
      return conn.clientId().get();
    }
    try {
      return SessionState.clientId(context.stateDir(), plan.instrument().id(),
          () -> String.format("%08x", context.random().nextInt()));
    } catch (IOException e) {
      String fallback = "ferry-" + plan.instrument().id();
      LOG.warn("{}: cannot keep a client id in {} ({}); using {} (set connection.clientId to choose one)",
          plan.instrument().id(), context.stateDir(), io.ferry.config.IoCauses.message(e), fallback);
      return fallback;
    }
  }

  private MqttConnectOptions options() throws GeneralSecurityException, IOException {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(false);
    o.setAutomaticReconnect(false);
    o.setKeepAliveInterval((int) conn.keepAlive().toSeconds());
    o.setConnectionTimeout((int) Math.max(1, conn.connectTimeout().toSeconds()));
    conn.username().ifPresent(o::setUserName);
    conn.password().ifPresent(p -> o.setPassword(p.reveal().toCharArray()));
    if (conn.tls()) {
      o.setSocketFactory(TlsSockets.socketFactory(conn.caFile()));
      o.setHttpsHostnameVerificationEnabled(conn.verifyHostname());
    }
    return o;
  }

  private void connected(Session s, boolean sessionPresent) {
    if (s != session || closed.get()) {
      return;
    }
    s.sessionPresent = sessionPresent;
    Optional<Set<String>> previous = SessionState.subscriptions(context.stateDir(), clientId);
    SessionState.Delta delta = SessionState.delta(sessionPresent, previous, plan.filters(), conn.qos());
    try {
      if (!delta.unsubscribe().isEmpty()) {
        client.unsubscribe(delta.unsubscribe().toArray(String[]::new));
        LOG.info("{}: unsubscribed from {} (no longer in the configuration)", plan.instrument().id(), delta.unsubscribe());
      }
      if (delta.subscribe().isEmpty()) {
        Set<String> kept = new LinkedHashSet<>(previous.orElse(Set.of()));
        kept.removeIf(e -> delta.unsubscribe().contains(e.substring(e.indexOf(' ') + 1)));
        storeSubscriptions(kept);
        online(s);
        return;
      }
      String[] filters = delta.subscribe().toArray(String[]::new);
      int[] qos = new int[filters.length];
      java.util.Arrays.fill(qos, conn.qos());
      client.subscribe(filters, qos, null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          int[] granted = token.getGrantedQos();
          scheduler.execute(() -> subscribed(s, filters, granted, previous, delta));
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          scheduler.execute(() -> lost(s, "subscribing to " + List.of(filters) + " failed", e, "subscribeFailures"));
        }
      });
    } catch (MqttException | RuntimeException e) {
      lost(s, "subscribing failed", e, "subscribeFailures");
    }
  }

  private void subscribed(Session s, String[] filters, int[] granted, Optional<Set<String>> previous, SessionState.Delta delta) {
    if (s != session || closed.get()) {
      return;
    }
    Set<String> entries = new LinkedHashSet<>(s.sessionPresent ? previous.orElse(Set.of()) : Set.of());
    entries.removeIf(e -> delta.unsubscribe().contains(e.substring(e.indexOf(' ') + 1)));
    for (int i = 0; i < filters.length; i++) {
      int g = granted != null && i < granted.length ? granted[i] : conn.qos();
      if (g == 0x80) {
        context.metrics().increment("subscribeRefused");
        LOG.error("{}: the broker refused the subscription to \"{}\" (not authorised for this user?); retrying on the next reconnect",
            plan.instrument().id(), filters[i]);
        continue;
      }
      if (g < conn.qos()) {
        LOG.warn("{}: the broker granted QoS {} instead of {} for \"{}\": messages may be lost while Ferry is down",
            plan.instrument().id(), g, conn.qos(), filters[i]);
      }
      String filter = filters[i];
      entries.removeIf(e -> e.substring(e.indexOf(' ') + 1).equals(filter));
      entries.add(SessionState.entry(conn.qos(), filter));
    }
    storeSubscriptions(entries);
    online(s);
  }

  private void storeSubscriptions(Set<String> entries) {
    try {
      SessionState.storeSubscriptions(context.stateDir(), clientId, entries);
    } catch (IOException e) {
      LOG.warn("{}: cannot store the subscription list in {} ({}): retained messages may be delivered again after a restart",
          plan.instrument().id(), context.stateDir(), io.ferry.config.IoCauses.message(e));
    }
  }

  private void online(Session s) {
    failures = 0;
    setState("connected");
    LOG.info("{}: connected to {} as {} ({}), subscribed to {}", plan.instrument().id(), conn.url(), clientId,
        s.sessionPresent ? "persistent session resumed" : "new session", plan.filters());
  }

  /** Ends a session (if still current) and schedules the next attempt. Scheduler thread. */
  private void lost(Session s, String what, Throwable cause, String counter) {
    if (s == null || s != session) {
      return;
    }
    session = null;
    s.acks.shut();
    if (closed.get()) {
      return;
    }
    context.metrics().increment(counter);
    disconnectQuietly();
    Duration delay = backoff.delay(++failures, context.random());
    setState("backoff");
    sampled("failure", what + ": " + describe(cause) + "; retrying in " + delay.toMillis() + " ms (failures in a row: " + failures + ")");
    scheduler.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sampled(String kind, String message) {
    logs.admit(kind, message).ifPresent(p -> LOG.warn("{}: {}{}", plan.instrument().id(), message, p.heldBackSuffix(LOG_EVERY)));
  }

  private void disconnectQuietly() {
    if (client == null) {
      return;
    }
    try {
      if (client.isConnected()) {
        client.disconnectForcibly(0, 1000);
      }
    } catch (MqttException | RuntimeException e) {
      LOG.debug("{}: forced disconnect: {}", plan.instrument().id(), e.toString());
    }
  }

  private void setState(String s) {
    if (!s.equals(state)) {
      state = s;
      context.metrics().state(s);
    }
  }

  private static String describe(Throwable e) {
    if (e == null) {
      return "no reason given";
    }
    StringBuilder sb = new StringBuilder(io.ferry.config.IoCauses.message(e));
    Throwable c = e.getCause();
    int depth = 0;
    while (c != null && depth++ < 3) {
      String m = io.ferry.config.IoCauses.message(c);
      if (!sb.toString().endsWith(m)) {
        sb.append(" <- ").append(m);
      }
      c = c.getCause();
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ messages (Paho callback thread)

  private final class Callback implements MqttCallback {
    @Override
    public void connectionLost(Throwable cause) {
      Session s = session;
      scheduler.execute(() -> lost(s, "connection to " + conn.url() + " lost", cause, "disconnects"));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      Session s = session;
      if (s == null || closed.get()) {
        return; // not acknowledged: the broker delivers it again on the next session
      }
      try {
        receive(s, topic, message);
      } catch (RuntimeException e) {
        // Never let an exception reach Paho: it would drop the connection.
        context.metrics().increment("errors");
        LOG.error("{}: unexpected error handling a message on {}", plan.instrument().id(), topic, e);
      }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // Ferry only subscribes.
    }
  }

  private void receive(Session s, String topic, MqttMessage message) {
    long arrival = MicroTime.now(context.clock());
    context.metrics().increment("messages");
    AckTracker.Ticket ticket = s.acks.register(message.getId(), message.getQos());
    Decoding d;
    try {
      d = decoder.decode(topic, message.getPayload(), message.isRetained(), arrival);
    } catch (RuntimeException e) {
      // A decoder bug must not leave the message unacknowledged forever (it would hold back every later one).
      context.metrics().increment("errors");
      d = new Decoding.Malformed("cannot decode a message on " + topic + ": " + e);
    }
    if (d instanceof Decoding.Ignored) {
      context.metrics().increment("ignored");
      s.acks.complete(ticket, t -> ack(s, t));
    } else if (d instanceof Decoding.Malformed m) {
      context.metrics().increment("malformed");
      sampled("malformed", "malformed MQTT payload: " + m.reason());
      s.acks.complete(ticket, t -> ack(s, t));
    } else if (d instanceof Decoding.Values v) {
      values(s, ticket, v);
    }
    awaitRoom(s);
  }

  private void values(Session s, AckTracker.Ticket ticket, Decoding.Values v) {
    if (!v.problems().isEmpty()) {
      context.metrics().increment("malformed", v.problems().size());
      v.problems().forEach(p -> sampled("malformed", "malformed MQTT payload: " + p));
    }
    if (!v.unmapped().isEmpty()) {
      context.metrics().increment("unmapped", v.unmapped().size());
      v.unmapped().forEach(u -> sampled("unmapped", u));
    }
    if (v.missing() > 0) {
      context.metrics().increment("missing", v.missing());
    }
    List<Sample> samples = v.samples();
    if (samples.isEmpty()) {
      s.acks.complete(ticket, t -> ack(s, t));
      return;
    }
    CompletionStage<Void> stored;
    try {
      stored = sink.accept(samples);
    } catch (RuntimeException e) {
      stored = CompletableFuture.failedFuture(e);
    }
    stored.whenComplete((ok, error) -> {
      if (error == null) {
        context.metrics().increment("samples", samples.size());
        s.acks.complete(ticket, t -> ack(s, t));
      } else {
        refused(s, samples.size(), error);
      }
    });
  }

  /** Back-pressure: while too many messages wait for the buffer, stop taking more from Paho. */
  private void awaitRoom(Session s) {
    try {
      while (!closed.get() && s.acks.isOpen() && !s.acks.awaitRoom(conn.maxPending(), 200)) {
        // waits in steps so that close() and reconnects are noticed
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void ack(Session s, AckTracker.Ticket t) {
    if (t.qos == 0 || closed.get() || s != session) {
      return;
    }
    try {
      client.messageArrivedComplete(t.messageId, t.qos);
    } catch (MqttException | RuntimeException e) {
      // The connection went away: the broker redelivers the message to the next session.
      LOG.debug("{}: acknowledging message {} failed: {}", plan.instrument().id(), t.messageId, e.toString());
    }
  }

  /**
   * The buffer refused samples. The message stays unacknowledged, and acknowledging later
   * messages would break the arrival order, so the session is dropped: the broker redelivers
   * everything unacknowledged after the backoff, by which time the buffer may accept it.
   */
  private void refused(Session s, int count, Throwable error) {
    context.metrics().increment("refused", count);
    sampled("refused", "the buffer refused " + count + " samples (" + describe(error)
        + "); reconnecting so that the broker delivers them again");
    scheduler.execute(() -> lost(s, "buffer refused samples", error, "bufferRefusals"));
  }

  // ------------------------------------------------------------------ close

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Session s = session;
    if (s != null) {
      s.acks.shut();
    }
    try {
      scheduler.submit(this::closeClient).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("{}: closing: {}", plan.instrument().id(), e.toString());
    } finally {
      scheduler.shutdownNow();
    }
  }

  private void closeClient() {
    session = null;
    if (client != null) {
      try {
        if (client.isConnected()) {
          client.disconnect(0).waitForCompletion(2000);
        }
      } catch (MqttException | RuntimeException e) {
        try {
          client.disconnectForcibly(0, 500);
        } catch (MqttException | RuntimeException ignored) {
          // closing anyway
        }
      }
      try {
        client.close(true);
      } catch (MqttException | RuntimeException e) {
        LOG.debug("{}: close: {}", plan.instrument().id(), e.toString());
      }
    }
    context.metrics().state("closed");
    LOG.info("{}: MQTT input closed", plan.instrument().id());
  }
}
