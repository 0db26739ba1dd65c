package io.ferry.uplink.mqtt;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A topic with placeholders: {@code {gateway}} and {@code {uplink}} are filled when planned,
 * {@code {instrument}} per message. Pure.
 */
public record TopicTemplate(String text) {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

  /**
   * Fills {@code {gateway}} and {@code {uplink}}; empty with a reason when the template names an
   * unknown placeholder, holds a wildcard or is empty.
   */
  static Optional<TopicTemplate> parse(String template, String gateway, String uplink, StringBuilder error) {
    if (template.isEmpty() || template.contains("#") || template.contains("+")) {
      error.append("must be a topic without the wildcards + and #, got \"").append(template).append('"');
      return Optional.empty();
    }
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = switch (m.group(1)) {
        case "gateway" -> gateway;
        case "uplink" -> uplink;
        case "instrument" -> "{instrument}";
        default -> null;
      };
      if (value == null) {
        error.append("unknown placeholder {").append(m.group(1)).append("} (known: {gateway}, {uplink}, {instrument})");
        return Optional.empty();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return Optional.of(new TopicTemplate(out.toString()));
  }

  String topic(String instrument) {
    return text.replace("{instrument}", instrument);
  }
}
