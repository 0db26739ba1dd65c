package io.ferry.uplink.mqtt;

import io.ferry.config.AgentConfig;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.UplinkSection;
import io.ferry.uplink.RunnerSettings;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkFactory;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkRunner;
import io.ferry.uplink.UplinkService;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.SocketFactory;

/** {@code type: mqtt}: QoS 1 publishing to a broker or broker cluster. */
public final class MqttUplinkFactory implements UplinkFactory {
  /** MQTT's largest packet (remaining length of 268,435,455 bytes). */
  static final long MAX_PAYLOAD = 268_435_455L;
  private final SocketFactory plainSockets;

  public MqttUplinkFactory() {
    this(SocketFactory.getDefault());
  }

  /** Tests pass a socket factory whose sockets they can cut (a client that dies without DISCONNECT). */
  MqttUplinkFactory(SocketFactory plainSockets) {
    this.plainSockets = plainSockets;
  }

  @Override
  public String type() {
    return MqttUplinkPlan.TYPE;
  }

  @Override
  public Optional<UplinkPlan> plan(UplinkSection section, AgentConfig agent, List<InstrumentInfo> instruments) {
    Fields f = section.fields();
    Optional<MqttEndpoint> endpoint = MqttEndpoint.read(f);
    String clientId = f.string("clientId", "ferry-" + agent.gatewayId() + "-" + section.name());
    if (clientId.isEmpty() || clientId.length() > 65535) {
      f.error("clientId", "must not be empty");
    }
    Optional<TopicTemplate> topic = template(f, "topic", "ferry/{gateway}/{instrument}", TopicTemplate.TOPIC_PLACEHOLDERS, agent, section);
    Optional<TopicTemplate> status = template(f, "statusTopic", "ferry/{gateway}/status", TopicTemplate.STATUS_PLACEHOLDERS, agent, section);
    boolean perSample = f.choice("payload", List.of("batch", "sample")).map("sample"::equals).orElse(false);
    int maxInflight = f.integer("maxInflight", 1000, 1, 65535);
    long maxMessageBytes = f.size("maxMessageBytes", 0);
    if (maxMessageBytes != 0 && (maxMessageBytes < 1024 || maxMessageBytes > MAX_PAYLOAD)) {
      f.error("maxMessageBytes", "must be between 1KiB and 256MB (MQTT's largest packet), got " + maxMessageBytes + " bytes");
      maxMessageBytes = 0;
    }
    RunnerSettings runner = RunnerSettings.read(f, 5_000, Duration.ZERO, Duration.ofSeconds(1));
    if (endpoint.isEmpty() || topic.isEmpty() || status.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new MqttUplinkPlan(section.name(), endpoint.get(), clientId, topic.get(), status.get().text(), perSample,
        maxInflight, runner, maxMessageBytes));
  }

  private static Optional<TopicTemplate> template(Fields f, String key, String dflt, List<String> known, AgentConfig agent,
      UplinkSection section) {
    StringBuilder error = new StringBuilder();
    Optional<TopicTemplate> t = TopicTemplate.parse(f.string(key, dflt), known, agent.gatewayId(), section.name(), error);
    if (t.isEmpty()) {
      f.error(key, error.toString());
    }
    return t;
  }

  @Override
  public UplinkService open(UplinkPlan plan, UplinkContext context) {
    MqttUplinkPlan p = (MqttUplinkPlan) plan;
    return new UplinkRunner(p.name(), p.type(), p.runner(),
        new MqttPublisher(p, plainSockets, context.catalog()), context);
  }
}
