package io.ferry.uplink.sparkplug;

import io.ferry.config.AgentConfig;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.UplinkSection;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.uplink.RunnerSettings;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkFactory;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkRunner;
import io.ferry.uplink.UplinkService;
import io.ferry.uplink.mqtt.MqttEndpoint;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.SocketFactory;

/** {@code type: sparkplug}: the gateway as a Sparkplug B 3.0 edge node. */
public final class SparkplugUplinkFactory implements UplinkFactory {
  private final SocketFactory plainSockets;

  public SparkplugUplinkFactory() {
    this(SocketFactory.getDefault());
  }

  /** Tests pass a socket factory whose sockets they can cut (a client that dies without DISCONNECT). */
  SparkplugUplinkFactory(SocketFactory plainSockets) {
    this.plainSockets = plainSockets;
  }

  @Override
  public String type() {
    return SparkplugPlan.TYPE;
  }

  @Override
  public Optional<UplinkPlan> plan(UplinkSection section, AgentConfig agent, List<InstrumentInfo> instruments) {
    Fields f = section.fields();
    Optional<MqttEndpoint> endpoint = MqttEndpoint.read(f);
    String clientId = f.string("clientId", "ferry-" + agent.gatewayId() + "-" + section.name());
    if (clientId.isEmpty()) {
      f.error("clientId", "must not be empty");
    }
    Optional<String> group = f.requiredString("group").filter(g -> sparkplugId(f, "group", g));
    String edgeNode = f.string("edgeNode", agent.gatewayId());
    boolean edgeOk = sparkplugId(f, "edgeNode", edgeNode);
    Optional<String> host = f.string("primaryHostId").filter(h -> sparkplugId(f, "primaryHostId", h));
    int dataQos = f.integer("dataQos", 0, 0, 1);
    int maxInflight = f.integer("maxInflight", 1000, 1, 65535);
    int maxMetrics = f.integer("maxMetrics", 1000, 1, 100_000);
    Set<ChannelId> text = textChannels(f, instruments, section.name());
    RunnerSettings runner = RunnerSettings.read(f, 5_000, Duration.ZERO, Duration.ofSeconds(1));
    if (endpoint.isEmpty() || group.isEmpty() || !edgeOk) {
      return Optional.empty();
    }
    return Optional.of(new SparkplugPlan(section.name(), endpoint.get(), clientId, group.get(), edgeNode, host, dataQos,
        maxInflight, maxMetrics, runner, Devices.of(instruments, section.name(), text)));
  }

  /** Sparkplug ids are topic levels: not empty, no {@code /}, {@code +} or {@code #}. */
  private static boolean sparkplugId(Fields f, String key, String value) {
    if (value.isEmpty() || value.contains("/") || value.contains("+") || value.contains("#")) {
      f.error(key, "must be a Sparkplug id: not empty, without /, + or #, got \"" + value + "\"");
      return false;
    }
    return true;
  }

  /** {@code textChannels: [boiler1/state]}: channels declared as String metrics; each must exist and route here. */
  private static Set<ChannelId> textChannels(Fields f, List<InstrumentInfo> instruments, String uplink) {
    Set<ChannelId> known = new HashSet<>();
    for (InstrumentInfo inst : instruments) {
      for (ChannelSpec spec : inst.channels()) {
        if (spec.routes().containsKey(uplink)) {
          known.add(spec.id());
        }
      }
    }
    Set<ChannelId> out = new HashSet<>();
    for (String s : f.strings("textChannels")) {
      Optional<ChannelId> id = parse(s);
      if (id.isEmpty()) {
        f.error("textChannels", "expected instrument/channel, got \"" + s + "\"");
      } else if (!instruments.isEmpty() && !known.contains(id.get())) {
        f.error("textChannels", "no channel " + s + " is routed to this uplink");
      } else {
        out.add(id.get());
      }
    }
    return out;
  }

  private static Optional<ChannelId> parse(String s) {
    try {
      return Optional.of(ChannelId.parse(s));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public UplinkService open(UplinkPlan plan, UplinkContext context) {
    SparkplugPlan p = (SparkplugPlan) plan;
    return new UplinkRunner(p.name(), p.type(), p.runner(),
        new SparkplugHandler(p, plainSockets, context.buffer().uplinkState(p.name()), context.clock(), context.instruments(),
            context.writes()),
        context);
  }
}
