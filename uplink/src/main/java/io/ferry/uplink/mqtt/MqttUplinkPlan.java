package io.ferry.uplink.mqtt;

import io.ferry.uplink.RunnerSettings;
import io.ferry.uplink.UplinkPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * An MQTT publishing uplink.
 *
 * @param endpoint the broker's url, credentials, TLS and keep-alive
 * @param clientId stable across restarts (the broker keeps the persistent session under it)
 * @param topic the per-instrument topic template, already holding the gateway and uplink names
 * @param statusTopic retained {@code online}/{@code offline}; {@code offline} is also the last will
 * @param perSample one message per sample instead of one per instrument and batch
 * @param maxInflight QoS 1 messages awaiting PUBACK at once
 * @param maxMessageBytes largest payload of one batch message (0 = no limit): an instrument's records
 *     are split over several messages to stay within it (brokers limit packet sizes)
 *
 * <p>Only the uplink's own keys: the rollup statistics a channel publishes come from the live
 * {@link io.ferry.uplink.ChannelCatalog}, so an instrument change keeps the broker session.
 */
public record MqttUplinkPlan(
    String name,
    MqttEndpoint endpoint,
    String clientId,
    TopicTemplate topic,
    String statusTopic,
    boolean perSample,
    int maxInflight,
    RunnerSettings runner,
    long maxMessageBytes) implements UplinkPlan {
  public static final String TYPE = "mqtt";

  @Override
  public String type() {
    return TYPE;
  }

  public String brokerUrl() {
    return endpoint.brokerUrl();
  }

  @Override
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("MQTT " + endpoint.describe() + " as " + clientId + " (persistent session, QoS 1)");
    lines.add("topic " + topic.text() + (perSample ? ", one message per sample" : ", one message per instrument and batch"
        + (maxMessageBytes > 0 ? " of at most " + maxMessageBytes + " bytes" : ""))
        + "; status " + statusTopic + " (retained online/offline, offline as last will)");
    lines.add(runner.batchRecords() + " records per lease, at most " + maxInflight + " messages awaiting PUBACK");
    return lines;
  }
}
