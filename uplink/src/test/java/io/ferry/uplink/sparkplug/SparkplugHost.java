package io.ferry.uplink.sparkplug;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.model.MetricDataTypeMap;

/**
 * A small Sparkplug host application for tests: subscribes to one group, decodes every message
 * with Tahu's decoder (DATA by the aliases and datatypes of the last births, as a real host must),
 * and rebuilds what a host would show: per device and metric name, every value with its time.
 * It can publish its STATE (3.0 JSON, retained), a rebirth NCMD and DCMDs. Shared with the agent's end-to-end test.
 */
public final class SparkplugHost implements AutoCloseable {
  /** One received message, decoded; {@code qos} is the publisher's (the host subscribes at QoS 1). */
  public record Msg(String topic, String type, String device, SparkplugBPayload payload, int qos) {
    public Long seq() {
      return payload.getSeq();
    }

    public long bdSeq() {
      return payload.getMetrics().stream().filter(m -> "bdSeq".equals(m.getName())).map(m -> (Long) m.getValue())
          .findFirst().orElseThrow();
    }
  }

  /** One value as the host sees it. */
  public record Value(String device, String metric, long timeMillis, Object value, boolean historical) {}

  public final List<Msg> messages = Collections.synchronizedList(new ArrayList<>());
  public final List<Value> values = Collections.synchronizedList(new ArrayList<>());
  public final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private final MqttClient client;
  private final MqttConnectOptions options = new MqttConnectOptions();
  private final String group;
  private final String hostId;
  private final MetricDataTypeMap types = new MetricDataTypeMap();
  private final Map<String, String> aliasNames = new HashMap<>();
  /** Devices whose last word was a DDEATH (or whose edge node died): DDATA for them is an error. */
  private final java.util.Set<String> deadDevices = new java.util.HashSet<>();

  public SparkplugHost(String url, String group, String hostId) throws Exception {
    this.group = group;
    this.hostId = hostId;
    client = new MqttClient(url, "host-" + hostId, new MemoryPersistence());
    client.setCallback(new MqttCallback() {
      @Override
      public void connectionLost(Throwable cause) {}

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        try {
          received(topic, message.getPayload(), message.getQos());
        } catch (Exception e) {
          errors.add(topic + ": " + e);
        }
      }

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {}
    });
    options.setCleanSession(true);
    options.setMaxInflight(65535);
    reconnect();
  }

  /** Connects and subscribes again (after a broker restart, as a real host does); what it saw is kept. */
  public void reconnect() throws Exception {
    client.connect(options);
    client.subscribe("spBv1.0/" + group + "/#", 1);
  }

  private synchronized void received(String topic, byte[] bytes, int qos) throws Exception {
    String[] t = topic.split("/");
    String type = t[2];
    String edge = t[3];
    String device = t.length > 4 ? t[4] : "";
    if (type.endsWith("CMD")) {
      return; // its own commands (the subscription covers the whole group)
    }
    if (type.equals("NBIRTH")) {
      types.clear();
      aliasNames.clear();
      deadDevices.clear();
    }
    if (type.equals("DDEATH")) {
      deadDevices.add(edge + "/" + device);
    } else if (type.equals("DBIRTH")) {
      deadDevices.remove(edge + "/" + device);
    }
    SparkplugBPayload p = new SparkplugBPayloadDecoder().buildFromByteArray(bytes, types);
    messages.add(new Msg(topic, type, device, p, qos));
    if (type.endsWith("BIRTH")) {
      for (Metric m : p.getMetrics()) {
        if (m.hasAlias()) {
          types.addMetricDataType(m.getAlias(), m.getDataType());
          aliasNames.put(edge + "/" + device + "/" + m.getAlias(), m.getName());
        }
      }
    } else if (type.equals("DDATA")) {
      if (deadDevices.contains(edge + "/" + device)) {
        errors.add("DDATA of device " + device + " after its DDEATH, without a DBIRTH");
      }
      for (Metric m : p.getMetrics()) {
        String name = aliasNames.get(edge + "/" + device + "/" + m.getAlias());
        if (m.hasName() || name == null) {
          errors.add("DDATA metric not by a known alias: " + m);
        }
        values.add(new Value(device, name, m.getTimestamp().getTime(), m.getValue(), Boolean.TRUE.equals(m.isHistorical())));
      }
    }
  }

  public List<Msg> ofType(String type) {
    synchronized (messages) {
      return messages.stream().filter(m -> m.type().equals(type)).toList();
    }
  }

  public List<String> types() {
    synchronized (messages) {
      return messages.stream().map(Msg::type).toList();
    }
  }

  public void state(boolean online, long timestamp) throws Exception {
    MqttMessage m = new MqttMessage(("{\"online\":" + online + ",\"timestamp\":" + timestamp + "}").getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    m.setRetained(true);
    client.publish("spBv1.0/STATE/" + hostId, m);
  }

  public void rebirth(String edgeNode) throws Exception {
    SparkplugBPayload p = new SparkplugBPayload(new Date(), new ArrayList<>());
    p.addMetric(new Metric.MetricBuilder("Node Control/Rebirth", MetricDataType.Boolean, true).createMetric());
    MqttMessage m = new MqttMessage(new SparkplugBPayloadEncoder().getBytes(p, false));
    m.setQos(0);
    client.publish("spBv1.0/" + group + "/NCMD/" + edgeNode, m);
  }

  /**
   * A DCMD to {@code device} of {@code edgeNode} (QoS 0), its metrics by name or by alias;
   * {@code stripDataTypes} as a host that relies on the births' datatypes sends them.
   */
  public void command(String edgeNode, String device, boolean stripDataTypes, Metric... metrics) throws Exception {
    SparkplugBPayload p = new SparkplugBPayload(new Date(), new ArrayList<>(List.of(metrics)));
    MqttMessage m = new MqttMessage(new SparkplugBPayloadEncoder().getBytes(p, stripDataTypes));
    m.setQos(0);
    client.publish("spBv1.0/" + group + "/DCMD/" + edgeNode + "/" + device, m);
  }

  /** The alias the newest DBIRTH of {@code device} gave {@code metric}. */
  public long alias(String device, String metric) {
    List<Msg> births = ofType("DBIRTH").stream().filter(b -> b.device().equals(device)).toList();
    return births.get(births.size() - 1).payload().getMetrics().stream().filter(m -> metric.equals(m.getName()))
        .map(Metric::getAlias).findFirst().orElseThrow();
  }

  @Override
  public void close() throws Exception {
    client.disconnect();
    client.close();
  }
}
