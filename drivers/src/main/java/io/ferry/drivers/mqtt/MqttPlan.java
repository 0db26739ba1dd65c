package io.ferry.drivers.mqtt;

import io.ferry.config.Fields;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Secret;
import io.ferry.core.Backoff;
import io.ferry.drivers.spi.DriverPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything an MQTT input instrument needs at run time, validated once by {@link MqttPlanner}.
 *
 * @param channels the declared channel names: a topic that resolves to any other name is counted
 *     as unmapped and dropped, because the buffer and the uplinks only know declared channels
 */
record MqttPlan(InstrumentInfo instrument, Connection connection, List<Subscription> subscriptions, Set<String> channels,
    List<Command> commands)
    implements DriverPlan {

  public MqttPlan {
    subscriptions = List.copyOf(subscriptions);
    channels = Set.copyOf(channels);
    commands = List.copyOf(commands);
  }

  MqttPlan(InstrumentInfo instrument, Connection connection, List<Subscription> subscriptions, Set<String> channels) {
    this(instrument, connection, subscriptions, channels, List.of());
  }

  /**
   * How a writable channel is written: a QoS 1 publish of {@code payload} (with {@code {value}}
   * replaced) to {@code topic}; applied once the broker acknowledged it (MQTT carries no answer of
   * the device).
   */
  record Command(io.ferry.core.ChannelId channel, String topic, String payload, boolean retain) {
    String render(double value) {
      return payload.replace("{value}", java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString());
    }
  }

  @Override
  public List<io.ferry.drivers.spi.WriteTarget> writeTargets() {
    return commands.stream().map(c -> new io.ferry.drivers.spi.WriteTarget(c.channel(),
        io.ferry.drivers.spi.WriteTarget.Domain.anyNumber("an MQTT command"),
        "publish \"" + c.payload() + "\" to " + c.topic() + " (QoS 1" + (c.retain() ? ", retained" : "") + ")")).toList();
  }

  /**
   * The broker connection. The session is always persistent (clean session off) so that
   * messages published while Ferry is down are delivered after it comes back.
   *
   * @param url {@code tcp://host:port} or {@code ssl://host:port}
   * @param caFile PEM file of the CA(s) trusted for the broker's certificate; the JVM's trust
   *     store when empty
   * @param clientId the client id; when empty a stable one is generated on first start and kept
   *     in the instrument's state directory
   * @param maxPending messages handed to the buffer and not yet acknowledged; more wait (back-pressure)
   * @param qos the subscription QoS: 1 (at least once, the default) or 0 (lossy, for high-rate noise)
   */
  record Connection(
      String url,
      boolean tls,
      Optional<Path> caFile,
      boolean verifyHostname,
      Optional<String> clientId,
      Optional<String> username,
      Optional<Secret> password,
      Duration keepAlive,
      Duration connectTimeout,
      Backoff backoff,
      int maxPending,
      int qos) {}

  /** How the payload of a matching message is read. */
  enum PayloadFormat {
    JSON,
    NUMBER,
    TEXT
  }

  /** What a mapped JSON value becomes. */
  enum ValueType {
    /** Numbers, numeric texts and booleans (1/0); anything else is malformed. */
    NUMBER,
    /** Any scalar, as text. */
    TEXT
  }

  /** One value taken from each record: a field path and the channel it goes to. */
  record ValueMapping(JsonPath path, ChannelTemplate channel, ValueType type) {}

  /**
   * One topic filter and how to decode what arrives on it.
   *
   * @param records path to an array of records inside a JSON payload; when empty, the payload is
   *     one record, or each element when the payload is an array
   * @param timestamp path (relative to a record) of the source timestamp; arrival time when empty
   * @param ignoreRetained drop retained messages (last values the broker kept from before)
   */
  record Subscription(
      int index,
      TopicFilter filter,
      PayloadFormat payload,
      Optional<JsonPath> records,
      Optional<JsonPath> timestamp,
      TimestampFormat timestampFormat,
      List<ValueMapping> values,
      boolean ignoreRetained) {
    Subscription {
      values = List.copyOf(values);
    }
  }

  /** The first subscription (in file order) whose filter matches, if any. */
  Optional<Subscription> match(List<String> topicLevels) {
    for (Subscription s : subscriptions) {
      if (s.filter().matches(topicLevels)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The distinct topic filters to subscribe to, in file order. */
  List<String> filters() {
    return subscriptions.stream().map(s -> s.filter().text()).distinct().collect(Collectors.toList());
  }

  @Override
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    Connection c = connection;
    lines.add("mqtt " + c.url() + " (MQTT 3.1.1, persistent session, QoS " + c.qos()
        + ", client id " + c.clientId().orElse("generated on first start, kept in the state directory") + ")");
    if (c.tls()) {
      lines.add("  TLS: trust " + c.caFile().map(Path::toString).orElse("the JVM trust store")
          + ", hostname verification " + (c.verifyHostname() ? "on" : "OFF"));
    }
    c.username().ifPresent(u -> lines.add("  user " + u + c.password().map(p -> ", password from " + p.source()).orElse("")));
    lines.add("  acknowledges each message only after the buffer stored it; at most " + c.maxPending() + " pending");
    lines.add("  reconnect backoff " + c.backoff().initial().toMillis() + "ms .. " + c.backoff().max().toMillis() + "ms, with jitter");
    writeTargets().forEach(t -> lines.add("  " + t.request() + " <- " + t.channel().channel()));
    for (Subscription s : subscriptions) {
      StringBuilder sb = new StringBuilder("  subscribe ").append(s.filter()).append(": ")
          .append(s.payload().name().toLowerCase(Locale.ROOT));
      s.records().ifPresent(r -> sb.append(", records at ").append(r));
      sb.append(", time ").append(s.timestamp().map(t -> "from " + t + " (" + Fields.enumName(s.timestampFormat()) + ")").orElse("of arrival"));
      if (s.ignoreRetained()) {
        sb.append(", retained messages ignored");
      }
      lines.add(sb.toString());
      for (ValueMapping v : s.values()) {
        lines.add("    " + (s.payload() == PayloadFormat.JSON ? v.path() + " -> " : "value -> ") + v.channel()
            + (v.type() == ValueType.TEXT ? " (text)" : ""));
      }
    }
    return lines;
  }

  @Override
  public boolean streaming() {
    return true;
  }
}
