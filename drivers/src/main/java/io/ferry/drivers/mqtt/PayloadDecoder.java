package io.ferry.drivers.mqtt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.config.Fields;
import io.ferry.core.ChannelId;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import io.ferry.drivers.mqtt.MqttPlan.PayloadFormat;
import io.ferry.drivers.mqtt.MqttPlan.Subscription;
import io.ferry.drivers.mqtt.MqttPlan.ValueMapping;
import io.ferry.drivers.mqtt.MqttPlan.ValueType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Turns one MQTT message into samples. Pure: the arrival time is passed in, nothing is logged.
 * A sample stamped with its arrival time from a retained message is UNCERTAIN: the broker kept
 * it from some earlier moment that the payload does not tell.
 */
final class PayloadDecoder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_QUOTED = 60;

  private final MqttPlan plan;

  PayloadDecoder(MqttPlan plan) {
    this.plan = plan;
  }

  Decoding decode(String topic, byte[] payload, boolean retained, long arrivalMicros) {
    List<String> levels = TopicFilter.split(topic);
    Optional<Subscription> match = plan.match(levels);
    if (match.isEmpty()) {
      return new Decoding.Ignored("no subscription matches topic " + topic);
    }
    Subscription sub = match.get();
    if (retained && sub.ignoreRetained()) {
      return new Decoding.Ignored("retained message on " + topic + " ignored");
    }
    Quality arrivalQuality = retained ? Quality.UNCERTAIN : Quality.GOOD;
    List<ChannelId> channels = new ArrayList<>();
    List<String> unmapped = new ArrayList<>();
    for (ValueMapping m : sub.values()) {
      Optional<String> name = m.channel().resolve(levels);
      if (name.isPresent() && plan.channels().contains(name.get())) {
        channels.add(ChannelId.of(plan.instrument().id(), name.get()));
      } else {
        channels.add(null);
        unmapped.add("topic " + topic + " gives channel " + name.map(n -> "\"" + n + "\"").orElse("(no level " + m.channel().maxLevel() + ")")
            + ", which is not declared under channels:");
      }
    }
    return switch (sub.payload()) {
      case JSON -> json(sub, topic, payload, channels, unmapped, arrivalMicros, arrivalQuality);
      case NUMBER, TEXT -> plain(sub, topic, payload, channels.get(0), unmapped, arrivalMicros, arrivalQuality);
    };
  }

  private Decoding json(Subscription sub, String topic, byte[] payload, List<ChannelId> channels, List<String> unmapped,
      long arrivalMicros, Quality arrivalQuality) {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      return new Decoding.Malformed("not JSON on " + topic + " (" + firstLine(e.getOriginalMessage()) + "): " + quote(payload));
    } catch (IOException e) {
      return new Decoding.Malformed("unreadable payload on " + topic + " (" + io.ferry.config.IoCauses.message(e) + ")");
    }
    if (root == null || root.isMissingNode()) {
      return new Decoding.Malformed("empty payload on " + topic);
    }
    List<JsonNode> records = records(sub, root);
    if (records == null) {
      return new Decoding.Malformed("no records at " + sub.records().orElseThrow() + " on " + topic + ": " + quote(payload));
    }
    List<Sample> samples = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int missing = 0;
    for (JsonNode record : records) {
      long time = arrivalMicros;
      Quality quality = arrivalQuality;
      if (sub.timestamp().isPresent()) {
        JsonPath tsPath = sub.timestamp().get();
        Optional<JsonNode> ts = tsPath.find(record);
        OptionalLong micros = ts.isPresent() ? sub.timestampFormat().micros(ts.get()) : OptionalLong.empty();
        if (micros.isEmpty()) {
          problems.add(ts.isEmpty()
              ? "timestamp " + tsPath + " missing in a record on " + topic
              : "timestamp " + tsPath + " = " + quote(show(ts.get())) + " is not " + Fields.enumName(sub.timestampFormat())
                  + " time on " + topic);
          continue;
        }
        time = micros.getAsLong();
        quality = Quality.GOOD;
      }
      for (int i = 0; i < sub.values().size(); i++) {
        ChannelId channel = channels.get(i);
        if (channel == null) {
          continue;
        }
        ValueMapping m = sub.values().get(i);
        Optional<JsonNode> node = m.path().find(record);
        if (node.isEmpty()) {
          missing++;
          continue;
        }
        Optional<Sample> sample = sample(channel, time, quality, m.type(), node.get());
        if (sample.isPresent()) {
          samples.add(sample.get());
        } else {
          problems.add(m.path() + " = " + quote(show(node.get())) + " is not " + (m.type() == ValueType.NUMBER ? "a number" : "a text")
              + " on " + topic);
        }
      }
    }
    return new Decoding.Values(samples, problems, unmapped, missing);
  }

  /** The records of a payload; null when a configured records path holds no object or array. */
  private static List<JsonNode> records(Subscription sub, JsonNode root) {
    JsonNode container = root;
    if (sub.records().isPresent()) {
      Optional<JsonNode> found = sub.records().get().find(root);
      if (found.isEmpty() || !(found.get().isArray() || found.get().isObject())) {
        return null;
      }
      container = found.get();
    }
    List<JsonNode> out = new ArrayList<>();
    if (container.isArray()) {
      container.forEach(out::add);
    } else {
      out.add(container);
    }
    return out;
  }

  private static Optional<Sample> sample(ChannelId channel, long time, Quality quality, ValueType type, JsonNode node) {
    return switch (type) {
      case NUMBER -> {
        OptionalDouble v = node.isNumber() ? finite(node.doubleValue())
            : node.isBoolean() ? OptionalDouble.of(node.booleanValue() ? 1 : 0)
            : node.isTextual() ? number(node.textValue().trim())
            : OptionalDouble.empty();
        yield v.isPresent() ? Optional.of(Sample.of(channel, time, v.getAsDouble(), quality)) : Optional.empty();
      }
      case TEXT -> node.isValueNode() ? Optional.of(Sample.text(channel, time, node.asText(), quality)) : Optional.empty();
    };
  }

  private static Decoding plain(Subscription sub, String topic, byte[] payload, ChannelId channel, List<String> unmapped,
      long arrivalMicros, Quality quality) {
    if (channel == null) {
      return new Decoding.Values(List.of(), List.of(), unmapped, 0);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
    } catch (CharacterCodingException e) {
      return new Decoding.Malformed("not UTF-8 text on " + topic);
    }
    if (sub.payload() == PayloadFormat.TEXT) {
      return new Decoding.Values(List.of(Sample.text(channel, arrivalMicros, text, quality)), List.of(), unmapped, 0);
    }
    OptionalDouble v = number(text.trim());
    if (v.isEmpty()) {
      return new Decoding.Malformed("not a number on " + topic + ": " + quote(text));
    }
    return new Decoding.Values(List.of(Sample.of(channel, arrivalMicros, v.getAsDouble(), quality)), List.of(), unmapped, 0);
  }

  /** A finite decimal number; NaN, Infinity and hexadecimal forms are refused. */
  static OptionalDouble number(String text) {
    if (text.isEmpty() || !text.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
      return OptionalDouble.empty();
    }
    return finite(Double.parseDouble(text));
  }

  private static OptionalDouble finite(double v) {
    return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
  }

  private static String quote(byte[] payload) {
    return quote(new String(payload, 0, Math.min(payload.length, MAX_QUOTED * 4), StandardCharsets.UTF_8));
  }

  /** A short, printable excerpt for a log line (payloads can be large or binary). */
  static String quote(String text) {
    StringBuilder sb = new StringBuilder("\"");
    int n = Math.min(text.length(), MAX_QUOTED);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return sb.append(text.length() > MAX_QUOTED ? "...\"" : "\"").toString();
  }

  private static String show(JsonNode node) {
    return node.isTextual() ? node.textValue() : node.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "syntax error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
