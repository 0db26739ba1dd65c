package io.ferry.uplink.mqtt;

import io.ferry.config.Templates;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A topic with placeholders: {@code {gateway}} and {@code {uplink}} are filled when planned,
 * {@code {instrument}} per message. Pure.
 */
public record TopicTemplate(String text) {
  /** The placeholders of {@code topic}. */
  static final List<String> TOPIC_PLACEHOLDERS = List.of("gateway", "uplink", "instrument");
  /** The placeholders of {@code statusTopic}: one topic per gateway, so no {@code {instrument}}. */
  static final List<String> STATUS_PLACEHOLDERS = List.of("gateway", "uplink");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

  /**
   * Fills {@code {gateway}} and {@code {uplink}}; empty with a reason when the template names an
   * unknown placeholder, holds a wildcard or is empty.
   */
  static Optional<TopicTemplate> parse(String template, List<String> known, String gateway, String uplink, StringBuilder error) {
    if (template.isEmpty() || template.contains("#") || template.contains("+")) {
      error.append("must be a topic without the wildcards + and #, got \"").append(template).append('"');
      return Optional.empty();
    }
    Optional<String> problem = Templates.problem(template, known);
    if (problem.isPresent()) {
      error.append(problem.get());
      return Optional.empty();
    }
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = switch (m.group(1)) {
        case "gateway" -> gateway;
        case "uplink" -> uplink;
        case "instrument" -> "{instrument}";
        default -> throw new IllegalStateException("placeholder {" + m.group(1) + "} was not refused by Templates.problem");
      };
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return Optional.of(new TopicTemplate(out.toString()));
  }

  String topic(String instrument) {
    return text.replace("{instrument}", instrument);
  }
}
