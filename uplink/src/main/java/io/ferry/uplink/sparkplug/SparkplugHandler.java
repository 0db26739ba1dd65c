package io.ferry.uplink.sparkplug;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.KeyValueStore;
import io.ferry.buffer.Lease;
import io.ferry.core.ChannelId;
import io.ferry.core.MicroTime;
import io.ferry.uplink.BatchHandler;
import io.ferry.uplink.Delivery;
import io.ferry.uplink.Exchange;
import io.ferry.uplink.InstrumentWatch;
import io.ferry.uplink.InstrumentWrites;
import io.ferry.uplink.mqtt.MqttEndpoint;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.tahu.message.model.StatePayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge node's session and its DDATA publisher (see the package documentation for the rules).
 *
 * <p>Threads: the uplink's runner thread calls {@link #deliver}; Paho's callback thread only
 * hands work to one control thread of this handler (rebirth requests, host STATE, a lost
 * connection), which never blocks Paho; every publish and every change of the session happens
 * under {@link #lock}, so {@code seq} numbers and births never interleave. The control thread
 * waits on its queue and wakes only for a message or a lost connection.
 */
final class SparkplugHandler implements BatchHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SparkplugHandler.class);
  static final String BD_SEQ_KEY = "sparkplug.bdSeq";
  /** DCMDs waiting for the write thread; more are dropped with a warning (a host flooding commands does not grow memory). */
  static final int COMMANDS_WAITING = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkplugPlan plan;
  private final SocketFactory plainSockets;
  private final KeyValueStore kv;
  private final InstantSource clock;
  /** The agent's verdict on its instruments: a device is dead (DDEATH) while its instrument is down. */
  private final InstrumentWatch instruments;
  private final InstrumentWatch.Subscription watching;
  /** The agent's write service: a DCMD is a write with source {@code sparkplug}, under its rules and in its audit. */
  private final InstrumentWrites writes;
  /**
   * The one thread that performs DCMD writes, in arrival order: a write waits up to the instrument's
   * timeout, which neither Paho's thread nor the control thread (births, STATE) may spend.
   */
  private final ThreadPoolExecutor commands;
  private final Map<ChannelId, Map<String, MetricDef>> index;
  /** The latest value published per alias, for the next DBIRTH (a birth carries current values). */
  private final Map<Long, Point> last = new ConcurrentHashMap<>();
  private final ExecutorService control;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** The newest STATE timestamp seen (older STATE messages are ignored, as the specification says). */
  private final AtomicLong hostTimestamp = new AtomicLong(Long.MIN_VALUE);
  private final Wake wake = new Wake();
  /** Set at once by Paho's thread when the connection or the host goes away: a batch in progress stops. */
  private volatile boolean stopPublishing;
  /** Set by Paho's thread on a rebirth request: DATA stop at once, the births follow (rebirth-action-1). */
  private volatile boolean rebirthPending;

  // Guarded by lock.
  private MqttAsyncClient client;
  private boolean connected;
  private long bdSeq = -1;
  private boolean hostOnline;
  private boolean birthed;
  private long sessionStartMicros = -1;
  private int seq;
  /** Devices whose last word in this session was a DDEATH (their instrument is down). */
  private final Set<String> dead = new HashSet<>();
  private volatile String hostNote = "";

  SparkplugHandler(SparkplugPlan plan, SocketFactory plainSockets, KeyValueStore kv, InstantSource clock, InstrumentWatch instruments,
      InstrumentWrites writes) {
    this.plan = plan;
    this.plainSockets = plainSockets;
    this.kv = kv;
    this.clock = clock;
    this.index = SparkplugPayloads.index(plan.devices());
    this.control = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ferry-sparkplug-" + plan.name());
      t.setDaemon(true);
      return t;
    });
    this.instruments = instruments;
    this.writes = writes;
    this.commands = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(COMMANDS_WAITING), r -> {
      Thread t = new Thread(r, "ferry-sparkplug-" + plan.name() + "-dcmd");
      t.setDaemon(true);
      return t;
    });
    // The watch's thread must not wait for this handler's lock: the work goes to the control thread.
    this.watching = instruments.onChange(() -> {
      try {
        control.execute(this::onInstruments);
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        LOG.debug("uplink {}: stopping, device state not followed", plan.name());
      }
    });
  }

  @Override
  public Delivery deliver(Lease lease, Exchange exchange) throws InterruptedException {
    List<BufferRecord> unknown = new ArrayList<>();
    List<Point> points = SparkplugPayloads.points(lease, index, unknown);
    if (!unknown.isEmpty()) {
      return new Delivery.Rejected(unknown, "no Sparkplug metric takes these values (a text value on a numeric channel: "
          + "list the channel under textChannels)");
    }
    if (points.isEmpty()) {
      return new Delivery.Acked(0);
    }
    Duration call = plan.runner().callTimeout();
    try {
      exchange.dueWithin(plan.runner().connectTimeout().plusSeconds(1).plus(call).plus(call));
      connect();
    } catch (MqttException e) {
      if (MqttEndpoint.refused(e)) {
        return new Delivery.Unauthorized("the broker refused the connection: " + MqttEndpoint.describe(e));
      }
      return new Delivery.Retry(Optional.empty(), "cannot connect to the broker " + plan.endpoint().brokerUrl()
          + " (" + MqttEndpoint.describe(e) + ")");
    } catch (GeneralSecurityException | IOException e) {
      return new Delivery.Retry(Optional.empty(), "cannot set up TLS for " + plan.endpoint().brokerUrl() + " (" + e.getMessage() + ")");
    }
    long deadline = System.nanoTime() + call.toNanos();
    lock.lockInterruptibly();
    try {
      // A rebirth requested while this thread was away is published first (by the control thread).
      while (!(connected && birthed) || rebirthPending) {
        if (!connected) {
          return new Delivery.Retry(Optional.empty(), "the connection to " + plan.endpoint().brokerUrl() + " was lost");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || exchange.cancelled()) {
          // Waiting for the primary host: nothing is sent, the lease goes back, and the next
          // attempt waits again at once (its STATE online ends the wait, not a backoff).
          return new Delivery.Retry(Optional.of(Duration.ofSeconds(1)), "primary host " + plan.primaryHostId().orElse("")
              + " is not online: samples stay buffered until its STATE says online");
        }
        // Signalled by births, a STATE or a lost connection; the 1 s slices only notice a stopping
        // uplink (Exchange.cancel cannot signal this condition).
        changed.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      }
      exchange.dueWithin(call);
      return publish(points, exchange, System.nanoTime() + call.toNanos());
    } finally {
      lock.unlock();
    }
  }

  private record Sent(IMqttDeliveryToken token, List<Point> points) {}

  /** Publishes the points as DDATA; under the lock, connected and birthed. */
  private Delivery publish(List<Point> points, Exchange exchange, long deadline) throws InterruptedException {
    Deque<Sent> pending = new ArrayDeque<>();
    List<Sent> done = new ArrayList<>();
    List<List<Point>> failed = new ArrayList<>();
    long bytes = 0;
    String failure = null;
    long now = clock.millis();
    List<List<Point>> messages = SparkplugPayloads.messages(points, plan.maxMetrics());
    int next = 0;
    // The device of the last message when it is dead: its records go between a DBIRTH and a DDEATH.
    String bracketed = null;
    try {
      syncDevices(); // an instrument back up gets its DBIRTH before its data, not a bracket
    } catch (MqttException e) {
      failure = MqttEndpoint.describe(e);
      next = messages.size();
      failed.addAll(messages);
    }
    for (; next < messages.size(); next++) {
      List<Point> m = messages.get(next);
      if (rebirthPending) {
        break; // what was written stays delivered, the rest goes after the births
      }
      if (stopPublishing) {
        failure = hostNote.isEmpty() ? "the session ended" : hostNote;
        break;
      }
      try {
        String device = m.get(0).device();
        if (bracketed != null && !bracketed.equals(device)) {
          publishDeath(bracketed);
          bracketed = null;
        }
        if (bracketed == null && dead.contains(device)) {
          // DDATA of a dead device would name aliases the host has marked stale (it would ask for a
          // rebirth): its records (buffered before it went down, a rollup closing after) go between
          // a DBIRTH and a DDEATH, so they are delivered and the host sees it dead again at once.
          publishDeviceBirth(device);
          bracketed = device;
        }
        while (pending.size() >= plan.maxInflight()) {
          await(pending.removeFirst(), deadline, done, failed);
        }
        byte[] payload = SparkplugPayloads.ddata(m, nextSeq(), now, sessionStartMicros);
        MqttMessage msg = new MqttMessage(payload);
        msg.setQos(plan.dataQos());
        msg.setRetained(false);
        pending.addLast(new Sent(client.publish(plan.deviceTopic("DDATA", m.get(0).device()), msg, null, wake), m));
        bytes += payload.length;
      } catch (MqttException e) {
        failure = MqttEndpoint.describe(e);
        break;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    if (bracketed != null && next == messages.size()) {
      try {
        publishDeath(bracketed);
      } catch (MqttException e) {
        failure = MqttEndpoint.describe(e);
      }
    }
    boolean complete = next == messages.size();
    for (; next < messages.size(); next++) {
      failed.add(messages.get(next));
    }
    while (!pending.isEmpty()) {
      try {
        await(pending.removeFirst(), deadline, done, failed);
      } catch (MqttException e) {
        failure = failure == null ? MqttEndpoint.describe(e) : failure;
      }
    }
    if (failure == null && plan.dataQos() == 0) {
      // QoS 0 has no acknowledgement. A request the broker must answer, sent after the DDATA on the
      // same TCP connection, is answered only after the broker has read every DDATA before it: the
      // UNSUBACK of a topic never subscribed (no side effect) is that answer.
      try {
        waitFor(client.unsubscribe(plan.nodeTopic("NCMD") + "/ferry-sync", null, wake), deadline);
      } catch (MqttException e) {
        failure = "no answer from the broker after the DDATA (" + MqttEndpoint.describe(e) + ")";
      }
    }
    exchange.countCall(bytes);
    if (failure == null && complete) {
      remember(points);
      return new Delivery.Acked(0);
    }
    String reason = failure == null ? "a rebirth was requested" : "publishing to " + plan.endpoint().brokerUrl() + " failed (" + failure + ")";
    if (failure != null && plan.dataQos() == 0) {
      return new Delivery.Retry(Optional.empty(), reason);
    }
    // A record is delivered when every message carrying its points was acknowledged (QoS 1) or
    // written before the answered round trip (QoS 0, a batch cut short by a rebirth).
    Set<BufferRecord> notDelivered = new HashSet<>();
    failed.forEach(l -> l.forEach(p -> notDelivered.add(p.record())));
    Set<BufferRecord> delivered = new LinkedHashSet<>();
    for (Sent s : done) {
      remember(s.points());
      s.points().forEach(p -> {
        if (!notDelivered.contains(p.record())) {
          delivered.add(p.record());
        }
      });
    }
    if (failure == null) {
      return new Delivery.Partial(List.copyOf(delivered), 0, true);
    }
    if (delivered.isEmpty()) {
      return new Delivery.Retry(Optional.empty(), reason);
    }
    LOG.warn("uplink {}: {}; {} records acknowledged by the broker, the rest stays buffered", plan.name(), reason, delivered.size());
    return new Delivery.Partial(List.copyOf(delivered), 0, false);
  }

  /** Waits for one message to be written (QoS 0) or acknowledged (QoS 1). */
  private void await(Sent s, long deadline, List<Sent> done, List<List<Point>> failed) throws MqttException, InterruptedException {
    try {
      waitFor(s.token(), deadline);
      done.add(s);
    } catch (MqttException e) {
      failed.add(s.points());
      throw e;
    }
  }

  /**
   * Waits for a token, but no longer than the session lasts: when the connection drops, Paho stops
   * its callback thread and may never complete the tokens still open, so {@code waitForCompletion}
   * would sit out the whole timeout. {@link #wake} is told by each token's completion and by a lost
   * connection.
   */
  private void waitFor(IMqttToken t, long deadline) throws MqttException, InterruptedException {
    synchronized (wake) {
      while (!t.isComplete()) {
        if (stopPublishing) {
          throw new MqttException(MqttException.REASON_CODE_CONNECTION_LOST);
        }
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          throw new MqttException(MqttException.REASON_CODE_CLIENT_TIMEOUT);
        }
        wake.wait(left);
      }
    }
    if (t.getException() != null) {
      throw t.getException();
    }
  }

  /** Notified when a token completes or fails, and when the session ends. */
  private final class Wake implements IMqttActionListener {
    @Override
    public void onSuccess(IMqttToken token) {
      wakeUp();
    }

    @Override
    public void onFailure(IMqttToken token, Throwable e) {
      wakeUp();
    }

    synchronized void wakeUp() {
      notifyAll();
    }
  }

  private void remember(List<Point> points) {
    for (Point p : points) {
      last.merge(p.metric().alias(), p, (old, neu) -> neu.timeMicros() >= old.timeMicros() ? neu : old);
    }
  }

  private int nextSeq() {
    int s = seq;
    seq = (seq + 1) % 256;
    return s;
  }

  // ------------------------------------------------------------------ the session

  private void connect() throws MqttException, GeneralSecurityException, IOException, InterruptedException {
    lock.lockInterruptibly();
    try {
      if (client != null && connected) {
        return;
      }
      if (client == null) {
        client = new MqttAsyncClient(plan.endpoint().brokerUrl(), plan.clientId(), new MemoryPersistence());
        client.setCallback(new Callback());
      } else if (client.isConnected()) {
        // The session ended but the connection did not close (a DISCONNECT that timed out): drop it
        // without DISCONNECT, so the broker publishes that session's NDEATH will, then start anew.
        client.disconnectForcibly(0, 1000, false);
      }
      // bdSeq is advanced and committed before the CONNECT whose will carries it: after a crash at
      // any point the next connection uses a number no earlier NBIRTH/NDEATH pair used.
      long next = kv.get(BD_SEQ_KEY).map(v -> (Long.parseLong(v) + 1) % 256).orElse(0L);
      kv.put(BD_SEQ_KEY, Long.toString(next));
      MqttConnectOptions o = plan.endpoint().options(plainSockets, plan.runner().connectTimeout());
      o.setCleanSession(true);
      // Births are not counted in the handler's window: leave Paho room for them.
      o.setMaxInflight(plan.maxInflight() + plan.devices().size() + 16);
      o.setWill(plan.nodeTopic("NDEATH"), SparkplugPayloads.ndeath(next, clock.millis()), 1, false);
      client.connect(o).waitForCompletion(plan.runner().connectTimeout().toMillis() + 1000);
      try {
        bdSeq = next;
        connected = true;
        birthed = false;
        stopPublishing = false;
        sessionStartMicros = -1;
        hostOnline = plan.primaryHostId().isEmpty();
        // STATE timestamps are compared within a connection: the retained STATE is the first one.
        hostTimestamp.set(Long.MIN_VALUE);
        long wait = plan.runner().callTimeout().toMillis();
        client.subscribe(new String[] {plan.nodeTopic("NCMD"), plan.deviceTopic("DCMD", "+")}, new int[] {1, 1})
            .waitForCompletion(wait);
        if (plan.stateTopic().isPresent()) {
          hostNote = "waiting for the STATE of primary host " + plan.primaryHostId().get();
          client.subscribe(plan.stateTopic().get(), 1).waitForCompletion(wait);
        }
        LOG.info("uplink {}: connected to {} as edge node {}/{} (bdSeq {})", plan.name(), plan.endpoint().brokerUrl(),
            plan.group(), plan.edgeNode(), bdSeq);
        if (hostOnline) {
          births();
        }
      } catch (MqttException e) {
        // Half a session is no session: drop the connection without DISCONNECT, so the broker
        // publishes the NDEATH will and the next attempt starts clean with the next bdSeq.
        connected = false;
        client.disconnectForcibly(0, 1000, false);
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  /** NBIRTH (seq 0) and a DBIRTH per device; under the lock, connected. */
  private void births() throws MqttException {
    long now = clock.millis();
    if (sessionStartMicros < 0) {
      sessionStartMicros = MicroTime.now(clock);
    }
    seq = 0;
    dead.clear();
    publishBirth(plan.nodeTopic("NBIRTH"), SparkplugPayloads.nbirth(bdSeq, now, nextSeq()));
    for (DeviceDef d : plan.devices()) {
      publishBirth(plan.deviceTopic("DBIRTH", d.id()), SparkplugPayloads.dbirth(d, nextSeq(), now,
          alias -> Optional.ofNullable(last.get(alias))));
    }
    // A device whose instrument is down is born (the host learns its metrics) and dies at once.
    Set<String> down = instruments.down();
    for (DeviceDef d : plan.devices()) {
      if (down.contains(d.id())) {
        publishDeath(d.id());
      }
    }
    birthed = true;
    changed.signalAll();
  }

  /** DBIRTH of one device (its instrument is up again, or its records go out while it is down); under the lock. */
  private void publishDeviceBirth(String device) throws MqttException {
    DeviceDef d = plan.devices().stream().filter(x -> x.id().equals(device)).findFirst().orElseThrow();
    publishBirth(plan.deviceTopic("DBIRTH", device), SparkplugPayloads.dbirth(d, nextSeq(), clock.millis(),
        alias -> Optional.ofNullable(last.get(alias))));
    dead.remove(device);
  }

  /** DDEATH of one device (its instrument is down); under the lock. */
  private void publishDeath(String device) throws MqttException {
    publishBirth(plan.deviceTopic("DDEATH", device), SparkplugPayloads.ddeath(nextSeq(), clock.millis()));
    dead.add(device);
  }

  /**
   * Brings the host's view in line with the agent's verdict: DDEATH for each device whose instrument
   * went down, DBIRTH for each dead one whose instrument is up again. Under the lock; nothing before
   * the births (they carry the verdict themselves).
   */
  private void syncDevices() throws MqttException {
    if (!(connected && birthed)) {
      return;
    }
    Set<String> down = instruments.down();
    for (DeviceDef d : plan.devices()) {
      boolean isDown = down.contains(d.id());
      if (isDown && !dead.contains(d.id())) {
        LOG.info("uplink {}: instrument {} is down: DDEATH", plan.name(), d.id());
        publishDeath(d.id());
      } else if (!isDown && dead.contains(d.id())) {
        LOG.info("uplink {}: instrument {} is up again: DBIRTH", plan.name(), d.id());
        publishDeviceBirth(d.id());
      }
    }
  }

  private void onInstruments() {
    lock.lock();
    try {
      syncDevices();
    } catch (MqttException e) {
      LOG.warn("uplink {}: device state not published ({})", plan.name(), MqttEndpoint.describe(e));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Births go at the QoS of the data: a broker may forward QoS 0 and QoS 1 messages of one client out
   * of order (HiveMQ CE does), and a DDATA overtaking its DBIRTH names aliases the host does not know.
   */
  private void publishBirth(String topic, byte[] payload) throws MqttException {
    MqttMessage m = new MqttMessage(payload);
    m.setQos(plan.dataQos());
    m.setRetained(false);
    client.publish(topic, m);
  }

  private void onRebirth() {
    lock.lock();
    try {
      rebirthPending = false;
      if (connected && birthed) {
        LOG.info("uplink {}: rebirth requested by NCMD", plan.name());
        births();
      }
    } catch (MqttException e) {
      LOG.warn("uplink {}: rebirth not published ({})", plan.name(), MqttEndpoint.describe(e));
    } finally {
      changed.signalAll();
      lock.unlock();
    }
  }

  private void onState(boolean online, long timestamp) {
    lock.lock();
    try {
      if (!connected) {
        return;
      }
      String host = plan.primaryHostId().orElse("");
      if (online) {
        hostNote = "";
        stopPublishing = false;
        if (!hostOnline) {
          LOG.info("uplink {}: primary host {} is online: publishing births, then the buffered samples", plan.name(), host);
        }
        hostOnline = true;
        if (!birthed) {
          births();
        }
      } else {
        hostNote = "primary host " + host + " is offline";
        hostOnline = false;
        if (birthed) {
          // The specification's answer to a host going away: end the session (NDEATH, DISCONNECT);
          // the next lease reconnects with the next bdSeq and waits for the host's STATE online.
          LOG.warn("uplink {}: primary host {} went offline: session ended, samples stay buffered", plan.name(), host);
          endSession();
        }
      }
      changed.signalAll();
    } catch (MqttException e) {
      LOG.warn("uplink {}: {}", plan.name(), MqttEndpoint.describe(e));
    } finally {
      lock.unlock();
    }
  }

  /**
   * One DCMD: each metric becomes a write of channel {@code device/metric} through the agent's write
   * service, which refuses (and audits) a metric that is not a writable channel. On the command
   * thread; the new value reaches the host in the DDATA of the instrument's next poll.
   */
  private void onCommand(String device, byte[] payload) {
    Optional<DeviceDef> def = plan.devices().stream().filter(d -> d.id().equals(device)).findFirst();
    List<Command> asked;
    try {
      asked = SparkplugPayloads.commands(payload, def);
    } catch (IllegalArgumentException e) {
      LOG.warn("uplink {}: ignoring a DCMD for device {}: {}", plan.name(), device, e.getMessage());
      return;
    }
    for (Command c : asked) {
      try {
        InstrumentWrites.Answer a = writes.write("sparkplug", device + "/" + c.metric(), c.value());
        LOG.info("uplink {}: DCMD {}/{} = {}: {}{}", plan.name(), device, c.metric(), c.value(), a.outcome(),
            a.detail().isEmpty() ? "" : " (" + a.detail() + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // stopping: the commands not yet written are not sent
        return;
      }
    }
  }

  private void onConnectionLost(Throwable cause) {
    lock.lock();
    try {
      connected = false;
      birthed = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    LOG.warn("uplink {}: connection to {} lost ({}); samples keep buffering, reconnecting with backoff", plan.name(),
        plan.endpoint().brokerUrl(), cause == null ? "closed" : String.valueOf(cause.getMessage()));
  }

  /** NDEATH, then DISCONNECT; under the lock. */
  private void endSession() throws MqttException {
    stopPublishing = true;
    connected = false;
    birthed = false;
    MqttMessage death = new MqttMessage(SparkplugPayloads.ndeath(bdSeq, clock.millis()));
    death.setQos(1);
    death.setRetained(false);
    client.publish(plan.nodeTopic("NDEATH"), death).waitForCompletion(5_000);
    client.disconnect(2_000).waitForCompletion(5_000);
  }

  private final class Callback implements MqttCallback {
    @Override
    public void connectionLost(Throwable cause) {
      stopPublishing = true;
      wake.wakeUp();
      control.execute(() -> onConnectionLost(cause));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      if (plan.stateTopic().map(topic::equals).orElse(false)) {
        StatePayload s;
        try {
          s = JSON.readValue(message.getPayload(), StatePayload.class);
        } catch (IOException e) {
          LOG.warn("uplink {}: ignoring a STATE message that is not Sparkplug 3.0 JSON on {}", plan.name(), topic);
          return;
        }
        long ts = s.getTimestamp() == null ? Long.MIN_VALUE : s.getTimestamp();
        boolean online = Boolean.TRUE.equals(s.isOnline());
        if (ts < hostTimestamp.get()) {
          return; // an older STATE than one already seen
        }
        hostTimestamp.set(ts);
        if (!online) {
          stopPublishing = true;
          wake.wakeUp();
        }
        control.execute(() -> onState(online, ts));
      } else if (topic.equals(plan.nodeTopic("NCMD")) && SparkplugPayloads.rebirthRequested(message.getPayload())) {
        rebirthPending = true;
        control.execute(SparkplugHandler.this::onRebirth);
      } else if (topic.startsWith(plan.deviceTopic("DCMD", ""))) {
        String device = topic.substring(plan.deviceTopic("DCMD", "").length());
        byte[] payload = message.getPayload();
        try {
          commands.execute(() -> onCommand(device, payload));
        } catch (java.util.concurrent.RejectedExecutionException full) {
          LOG.warn("uplink {}: DCMD for device {} dropped: {} commands are waiting for their writes", plan.name(), device, COMMANDS_WAITING);
        }
      }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }

  @Override
  public List<String> notes() {
    String n = hostNote;
    return n.isEmpty() ? List.of() : List.of(n);
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (client != null) {
        if (connected) {
          // A clean stop ends the session as the specification asks: NDEATH first, then DISCONNECT.
          endSession();
        }
        client.close(true);
        client = null;
      }
    } catch (MqttException e) {
      LOG.info("uplink {}: NDEATH not published on stop ({}); the broker publishes the will", plan.name(), MqttEndpoint.describe(e));
      try {
        client.close(true);
      } catch (MqttException ignored) {
        LOG.debug("uplink {}: closing the MQTT client: {}", plan.name(), MqttEndpoint.describe(ignored));
      }
      client = null;
    } finally {
      lock.unlock();
      watching.close();
      control.shutdownNow();
      commands.shutdownNow();
    }
  }
}
