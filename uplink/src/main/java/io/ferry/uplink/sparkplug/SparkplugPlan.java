package io.ferry.uplink.sparkplug;

import io.ferry.uplink.RunnerSettings;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.mqtt.MqttEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Sparkplug B edge node uplink, validated.
 *
 * @param clientId stable across restarts (the broker closes an older connection with the same id)
 * @param group the Sparkplug group id
 * @param edgeNode the edge node id (the gateway id unless set)
 * @param primaryHostId births and data only while this host's STATE says online; empty: whenever connected
 * @param dataQos 0 (the specification's) or 1 (acknowledged after PUBACK)
 * @param maxInflight messages written (QoS 0) or awaiting PUBACK (QoS 1) at once
 * @param maxMetrics metrics per DDATA message
 * @param devices one per instrument routed to this uplink, in configuration order
 */
public record SparkplugPlan(
    String name,
    MqttEndpoint endpoint,
    String clientId,
    String group,
    String edgeNode,
    Optional<String> primaryHostId,
    int dataQos,
    int maxInflight,
    int maxMetrics,
    RunnerSettings runner,
    List<DeviceDef> devices) implements UplinkPlan {
  public static final String TYPE = "sparkplug";
  static final String NAMESPACE = "spBv1.0";

  public SparkplugPlan {
    devices = List.copyOf(devices);
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** {@code spBv1.0/{group}/{type}/{edgeNode}}. */
  String nodeTopic(String messageType) {
    return NAMESPACE + "/" + group + "/" + messageType + "/" + edgeNode;
  }

  /** {@code spBv1.0/{group}/{type}/{edgeNode}/{device}}. */
  String deviceTopic(String messageType, String device) {
    return nodeTopic(messageType) + "/" + device;
  }

  /** {@code spBv1.0/STATE/{hostId}} (Sparkplug 3.0). */
  Optional<String> stateTopic() {
    return primaryHostId.map(h -> NAMESPACE + "/STATE/" + h);
  }

  @Override
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("Sparkplug B edge node " + group + "/" + edgeNode + " on MQTT " + endpoint.describe() + " as " + clientId
        + " (clean session, NDEATH as will, bdSeq kept in the buffer)");
    lines.add(primaryHostId.map(h -> "births and data only while primary host " + h + " is online (" + stateTopic().get() + ")")
        .orElse("births and data whenever connected (no primary host)"));
    lines.add(dataQos == 0
        ? "DDATA at QoS 0: a lease is acknowledged once its messages are written and the broker answered a later request"
        : "DDATA at QoS 1: a lease is acknowledged after the PUBACK of every message");
    for (DeviceDef d : devices) {
      StringBuilder b = new StringBuilder("device " + deviceTopic("DDATA", d.id()) + ":");
      for (MetricDef m : d.metrics()) {
        b.append(' ').append(m.name()).append(" [alias ").append(m.alias()).append(", ")
            .append(m.type().name().toLowerCase(Locale.ROOT)).append(m.unit().isEmpty() ? "" : ", " + m.unit()).append(']');
      }
      lines.add(b.toString());
    }
    lines.add(runner.batchRecords() + " records per lease, at most " + maxMetrics + " metrics per DDATA, "
        + maxInflight + " messages in flight");
    return lines;
  }
}
