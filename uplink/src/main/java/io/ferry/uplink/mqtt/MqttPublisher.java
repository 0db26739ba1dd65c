package io.ferry.uplink.mqtt;

import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.Lease;
import io.ferry.uplink.BatchHandler;
import io.ferry.uplink.ChannelCatalog;
import io.ferry.uplink.Delivery;
import io.ferry.uplink.Exchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes leases at QoS 1 and reports as delivered only the records whose messages the broker
 * acknowledged (PUBACK). Connects on demand: after a lost connection the next lease reconnects,
 * and a failed connect is a {@link Delivery.Retry}, so reconnects follow the engine's backoff.
 * The session is persistent (clean session off, a stable client id); the status topic holds a
 * retained {@code online} while connected and {@code offline} after a clean stop, and
 * {@code offline} is the last will the broker publishes when the connection dies.
 */
final class MqttPublisher implements BatchHandler {
  private static final Logger LOG = LoggerFactory.getLogger(MqttPublisher.class);
  static final byte[] ONLINE = "online".getBytes(StandardCharsets.UTF_8);
  static final byte[] OFFLINE = "offline".getBytes(StandardCharsets.UTF_8);

  private final MqttUplinkPlan plan;
  private final SocketFactory plainSockets;
  private final Supplier<ChannelCatalog> catalog;
  private MqttAsyncClient client;
  private volatile boolean everConnected;

  MqttPublisher(MqttUplinkPlan plan, SocketFactory plainSockets, Supplier<ChannelCatalog> catalog) {
    this.plan = plan;
    this.plainSockets = plainSockets;
    this.catalog = catalog;
  }

  @Override
  public Delivery deliver(Lease lease, Exchange exchange) throws InterruptedException {
    List<MqttMessages.Message> messages = MqttMessages.of(lease, plan.topic(), plan.perSample(), catalog.get()::rollupStats,
        plan.maxMessageBytes());
    if (messages.isEmpty()) {
      return new Delivery.Acked(0);
    }
    try {
      // Connecting waits up to connectTimeout (+1 s) and the retained "online" publish up to timeout.
      exchange.dueWithin(plan.runner().connectTimeout().plusSeconds(1).plus(plan.runner().callTimeout()));
      connect();
    } catch (MqttException e) {
      if (MqttEndpoint.refused(e)) {
        return new Delivery.Unauthorized("the broker refused the connection: " + describe(e));
      }
      return new Delivery.Retry(Optional.empty(), "cannot connect to the broker " + plan.brokerUrl() + " (" + describe(e) + ")");
    } catch (GeneralSecurityException | IOException e) {
      return new Delivery.Retry(Optional.empty(), "cannot set up TLS for " + plan.brokerUrl() + " (" + describe(e) + ")");
    }
    return publish(messages, exchange);
  }

  private Delivery publish(List<MqttMessages.Message> messages, Exchange exchange) throws InterruptedException {
    long deadline = System.nanoTime() + plan.runner().callTimeout().toNanos();
    exchange.dueWithin(plan.runner().callTimeout());
    Deque<Sent> pending = new ArrayDeque<>();
    List<BufferRecord> delivered = new ArrayList<>();
    long bytes = 0;
    String failure = null;
    for (MqttMessages.Message m : messages) {
      try {
        while (pending.size() >= plan.maxInflight()) {
          awaitAck(pending.removeFirst(), deadline, delivered);
        }
        MqttMessage msg = new MqttMessage(m.payload());
        msg.setQos(1);
        pending.addLast(new Sent(client.publish(m.topic(), msg), m));
        bytes += m.payload().length;
      } catch (MqttException e) {
        failure = describe(e);
        break;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    // Collect what the broker acknowledged, also after a failure (those records are not sent again).
    while (!pending.isEmpty()) {
      try {
        awaitAck(pending.removeFirst(), deadline, delivered);
      } catch (MqttException e) {
        failure = failure == null ? describe(e) : failure;
      }
    }
    exchange.countCall(bytes);
    if (failure == null) {
      return new Delivery.Acked(0);
    }
    String reason = "publishing to " + plan.brokerUrl() + " failed (" + failure + ")";
    if (delivered.isEmpty()) {
      return new Delivery.Retry(Optional.empty(), reason);
    }
    LOG.warn("uplink {}: {}; {} records acknowledged by the broker, the rest stays buffered", plan.name(), reason, delivered.size());
    return new Delivery.Partial(delivered, 0, false);
  }

  private record Sent(IMqttDeliveryToken token, MqttMessages.Message message) {}

  /** Waits for one PUBACK; throws on failure or when the batch's time is up. */
  private void awaitAck(Sent s, long deadline, List<BufferRecord> delivered) throws MqttException {
    long leftMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
    if (!s.token().isComplete()) {
      s.token().waitForCompletion(leftMillis);
    }
    if (!s.token().isComplete()) {
      throw new MqttException(MqttException.REASON_CODE_CLIENT_TIMEOUT);
    }
    if (s.token().getException() != null) {
      throw s.token().getException();
    }
    delivered.addAll(s.message().records());
  }

  private synchronized void connect() throws MqttException, GeneralSecurityException, IOException {
    if (client != null && client.isConnected()) {
      return;
    }
    if (client == null) {
      client = new MqttAsyncClient(plan.brokerUrl(), plan.clientId(), new MemoryPersistence());
      client.setCallback(new MqttCallback() {
        @Override
        public void connectionLost(Throwable cause) {
          LOG.warn("uplink {}: connection to {} lost ({}); samples keep buffering, reconnecting with backoff", plan.name(),
              plan.brokerUrl(), cause == null ? "closed" : String.valueOf(cause.getMessage()));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {}

        @Override
        public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {}
      });
    }
    // No automatic reconnect: reconnects follow the engine's backoff (a failed lease is a Retry).
    MqttConnectOptions o = plan.endpoint().options(plainSockets, plan.runner().connectTimeout());
    o.setCleanSession(false);
    o.setMaxInflight(plan.maxInflight());
    o.setWill(plan.statusTopic(), OFFLINE, 1, true);
    client.connect(o).waitForCompletion(plan.runner().connectTimeout().toMillis() + 1000);
    MqttMessage online = new MqttMessage(ONLINE);
    online.setQos(1);
    online.setRetained(true);
    client.publish(plan.statusTopic(), online).waitForCompletion(plan.runner().callTimeout().toMillis());
    LOG.info("uplink {}: {} to {} as {}", plan.name(), everConnected ? "reconnected" : "connected", plan.brokerUrl(), plan.clientId());
    everConnected = true;
  }

  @Override
  public synchronized void close() {
    if (client == null) {
      return;
    }
    try {
      if (client.isConnected()) {
        MqttMessage offline = new MqttMessage(OFFLINE);
        offline.setQos(1);
        offline.setRetained(true);
        client.publish(plan.statusTopic(), offline).waitForCompletion(5_000);
        client.disconnect(2_000).waitForCompletion(5_000);
      }
    } catch (MqttException e) {
      LOG.info("uplink {}: status offline not published on stop ({}); the broker publishes the last will", plan.name(), describe(e));
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      LOG.debug("uplink {}: closing the MQTT client: {}", plan.name(), describe(e));
    }
    client = null;
  }

  private static String describe(Exception e) {
    return MqttEndpoint.describe(e);
  }
}
