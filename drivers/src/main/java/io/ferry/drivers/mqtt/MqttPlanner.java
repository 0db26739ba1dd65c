package io.ferry.drivers.mqtt;

import io.ferry.config.BackoffKeys;
import io.ferry.config.ChannelConfig;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.Secret;
import io.ferry.config.TlsFiles;
import io.ferry.core.Backoff;
import io.ferry.drivers.mqtt.MqttPlan.Connection;
import io.ferry.drivers.mqtt.MqttPlan.PayloadFormat;
import io.ferry.drivers.mqtt.MqttPlan.Subscription;
import io.ferry.drivers.mqtt.MqttPlan.ValueMapping;
import io.ferry.drivers.mqtt.MqttPlan.ValueType;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an MQTT instrument's keys into an {@link MqttPlan}, reporting every problem through the
 * {@link Fields} readers. No network I/O; only the CA file is checked for readability so that
 * {@code ferry check} catches a wrong path.
 */
final class MqttPlanner {
  private MqttPlanner() {}

  static Optional<MqttPlan> plan(InstrumentConfig instrument) {
    Set<String> declared = new LinkedHashSet<>();
    for (ChannelConfig c : instrument.channels()) {
      declared.add(c.name());
    }
    Fields top = instrument.fields();
    int problemsBefore = top.context().problems().size();
    Optional<Connection> connection = instrument.connection().flatMap(MqttPlanner::connection);
    if (instrument.connection().isEmpty()) {
      top.error("missing required key \"connection\" (with at least url: tcp://host:1883)");
    }
    List<Fields> subFields = top.objects("subscriptions");
    if (subFields.isEmpty() && top.node("subscriptions").isEmpty()) {
      top.error("missing required key \"subscriptions\" (a list of topic filters and how to read their payloads)");
    }
    List<Subscription> subscriptions = new ArrayList<>();
    Map<String, Integer> filters = new HashMap<>();
    boolean ok = true;
    for (int i = 0; i < subFields.size(); i++) {
      Optional<Subscription> s = subscription(i, subFields.get(i), declared);
      if (s.isEmpty()) {
        ok = false;
        continue;
      }
      Integer previous = filters.putIfAbsent(s.get().filter().text(), i);
      if (previous != null) {
        subFields.get(i).error("topic", "topic filter \"" + s.get().filter() + "\" is already used by subscriptions[" + previous
            + "]; list every value of one topic under one subscription");
        ok = false;
        continue;
      }
      subscriptions.add(s.get());
    }
    List<MqttPlan.Command> commands = new ArrayList<>();
    for (ChannelConfig c : instrument.channels()) {
      if (c.write().isPresent() && c.spec().write().isPresent()) {
        command(c).ifPresent(commands::add);
      }
    }
    boolean newProblems = top.context().problems().size() > problemsBefore;
    if (connection.isEmpty() || !ok || subscriptions.isEmpty() || newProblems) {
      return Optional.empty();
    }
    return Optional.of(new MqttPlan(instrument.info(), connection.get(), subscriptions, declared, commands));
  }

  /** {@code write: {topic: plant/plc1/cmd/setpoint, payload: "{value}", retain: false}}: a topic without wildcards. */
  private static Optional<MqttPlan.Command> command(ChannelConfig c) {
    Fields w = c.write().get();
    Optional<String> topic = w.requiredString("topic");
    // a plain text, not a template: a JSON payload has braces of its own; {value} is the one placeholder
    Optional<String> payload = Optional.of(w.string("payload", "{value}"));
    boolean retain = w.bool("retain", false);
    if (topic.isPresent() && (topic.get().contains("+") || topic.get().contains("#"))) {
      w.error("topic", "a command topic is one topic: no + or # wildcards");
      return Optional.empty();
    }
    if (payload.isPresent() && !payload.get().contains("{value}")) {
      w.error("payload", "must contain {value}, where the value goes");
      return Optional.empty();
    }
    if (topic.isEmpty() || payload.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new MqttPlan.Command(c.spec().id(), topic.get(), payload.get(), retain));
  }

  private static Optional<Connection> connection(Fields f) {
    Optional<String> urlText = f.requiredString("url");
    Optional<String> url = urlText.flatMap(u -> url(f, u));
    Optional<String> clientId = f.string("clientId");
    if (clientId.isPresent() && (clientId.get().isBlank() || clientId.get().length() > 256)) {
      f.error("clientId", "must be 1-256 characters (keep it stable: the broker keeps the session under it)");
      clientId = Optional.empty();
    }
    Optional<String> username = f.string("username");
    Optional<Secret> password = f.secret("password");
    if (f.has("password") && !f.has("username")) {
      f.error("password", "a password needs a username");
    }
    Optional<Fields> tlsFields = f.object("tls");
    boolean tls = url.map(u -> u.startsWith("ssl://")).orElse(false);
    Optional<Path> caFile = Optional.empty();
    boolean verifyHostname = true;
    if (tlsFields.isPresent()) {
      Fields t = tlsFields.get();
      caFile = TlsFiles.checkCaFile(t, "caFile");
      verifyHostname = t.bool("verifyHostname", true);
      if (url.isPresent() && !tls) {
        f.error("tls", "TLS settings need an ssl:// url (the url is " + url.get() + ")");
      }
    }
    Duration keepAlive = f.duration("keepAlive", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(18));
    Duration connectTimeout = f.duration("connectTimeout", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5));
    // Equal jitter: a fleet of gateways must not reconnect to a restarted broker in lock-step.
    Backoff backoff = BackoffKeys.read(f, Duration.ofSeconds(1), Duration.ofMinutes(2)).withJitter(Backoff.EQUAL_JITTER);
    int maxPending = f.integer("maxPending", 1000, 1, 100_000);
    int qos = f.integer("qos", 1, 0, 2);
    if (qos == 2) {
      f.error("qos", "QoS 2 is not supported: use 1 (at least once; Ferry acknowledges only after the buffer stored the message)");
    }
    if (url.isEmpty() || qos == 2 || (tlsFields.isPresent() && !tls)) {
      return Optional.empty();
    }
    return Optional.of(new Connection(url.get(), tls, caFile, verifyHostname, clientId, username, password, keepAlive,
        connectTimeout, backoff, maxPending, qos));
  }

  /** Normalises {@code tcp://host[:port]} or {@code ssl://host[:port]} (default ports 1883 and 8883). */
  private static Optional<String> url(Fields f, String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      f.error("url", "not a URL: \"" + text + "\" (write tcp://host:1883 or ssl://host:8883)");
      return Optional.empty();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
      f.error("url", "unsupported scheme in \"" + text + "\": use tcp://host:1883 or ssl://host:8883 (ssl:// for TLS)");
      return Optional.empty();
    }
    if (uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty()) || uri.getQuery() != null || uri.getUserInfo() != null) {
      f.error("url", "expected only a scheme, a host and a port in \"" + text + "\" (credentials go in username and password)");
      return Optional.empty();
    }
    int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("ssl") ? 8883 : 1883;
    String host = uri.getHost();
    return Optional.of(scheme + "://" + host + ":" + port);
  }

  private static Optional<Subscription> subscription(int index, Fields f, Set<String> declared) {
    Optional<TopicFilter> filter = f.requiredString("topic").flatMap(t -> {
      TopicFilter.Result r = TopicFilter.parse(t);
      if (r.filter().isEmpty()) {
        f.error("topic", r.error());
      }
      return r.filter();
    });
    PayloadFormat payload = f.enumValue("payload", PayloadFormat.class, PayloadFormat.JSON);
    boolean ignoreRetained = f.bool("ignoreRetained", false);
    Optional<JsonPath> records = f.string("records").flatMap(p -> path(f, "records", p));
    Optional<JsonPath> timestamp = f.string("timestamp").flatMap(p -> path(f, "timestamp", p));
    TimestampFormat format = f.enumValue("timestampFormat", TimestampFormat.class, TimestampFormat.AUTO);
    if (f.has("timestampFormat") && !f.has("timestamp")) {
      f.error("timestampFormat", "needs timestamp (the field path of the time in the payload)");
    }
    List<ValueMapping> values = new ArrayList<>();
    boolean ok = true;
    if (payload == PayloadFormat.JSON) {
      List<Fields> valueFields = f.objects("values");
      if (valueFields.isEmpty()) {
        f.error("a json subscription needs values: a list of {path, channel}");
        ok = false;
      }
      if (f.has("channel")) {
        f.error("channel", "a json subscription maps each value under values: (path and channel); channel alone is for payload: number or text");
        ok = false;
      }
      for (Fields v : valueFields) {
        Optional<JsonPath> path = v.requiredString("path").flatMap(p -> path(v, "path", p));
        Optional<ChannelTemplate> channel = v.requiredString("channel").flatMap(c -> template(v, c, filter, declared));
        ValueType type = v.enumValue("type", ValueType.class, ValueType.NUMBER);
        if (path.isEmpty() || channel.isEmpty()) {
          ok = false;
        } else {
          values.add(new ValueMapping(path.get(), channel.get(), type));
        }
      }
    } else {
      for (String key : List.of("values", "records", "timestamp")) {
        if (f.has(key)) {
          f.error(key, key + " applies to payload: json only; a " + Fields.enumName(payload)
              + " payload is one value stamped with its arrival time");
          ok = false;
        }
      }
      Optional<ChannelTemplate> channel = f.requiredString("channel").flatMap(c -> template(f, c, filter, declared));
      if (channel.isEmpty()) {
        ok = false;
      } else {
        values.add(new ValueMapping(JsonPath.ROOT, channel.get(), payload == PayloadFormat.TEXT ? ValueType.TEXT : ValueType.NUMBER));
      }
    }
    if (filter.isEmpty() || !ok) {
      return Optional.empty();
    }
    return Optional.of(new Subscription(index, filter.get(), payload, records, timestamp, format, values, ignoreRetained));
  }

  private static Optional<JsonPath> path(Fields f, String key, String text) {
    JsonPath.Result r = JsonPath.parse(text.trim());
    if (r.path().isEmpty()) {
      f.error(key, r.error());
    }
    return r.path();
  }

  private static Optional<ChannelTemplate> template(Fields f, String text, Optional<TopicFilter> filter, Set<String> declared) {
    ChannelTemplate.Result r = ChannelTemplate.parse(text);
    if (r.template().isEmpty()) {
      f.error("channel", r.error());
      return Optional.empty();
    }
    ChannelTemplate t = r.template().get();
    if (t.isConstant() && !declared.contains(text)) {
      f.error("channel", "channel \"" + text + "\" is not declared under channels:" + io.ferry.config.DidYouMean.suffix(text, declared));
      return Optional.empty();
    }
    if (filter.isPresent() && !filter.get().endsWithMultiLevel() && t.maxLevel() > filter.get().levels().size()) {
      f.error("channel", "{" + t.maxLevel() + "} refers to topic level " + t.maxLevel() + " but \"" + filter.get()
          + "\" has only " + filter.get().levels().size() + " levels");
      return Optional.empty();
    }
    return Optional.of(t);
  }
}
