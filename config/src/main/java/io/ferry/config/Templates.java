package io.ferry.config;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one rule for every configured text with {@code {name}} placeholders (Clarify input keys,
 * MQTT topics, file names): a placeholder must be one the key knows, and every brace must belong
 * to one. A typo such as {@code {instrumnet}} would otherwise be written out literally into every
 * key or topic, which no later check can tell from an intended name. Pure.
 */
public final class Templates {
  private Templates() {}

  /**
   * What is wrong with {@code template}, in words, or empty when every placeholder is one of
   * {@code known} (names without braces; none: the key takes no placeholders).
   */
  public static Optional<String> problem(String template, List<String> known) {
    int pos = 0;
    while (pos < template.length()) {
      int open = template.indexOf('{', pos);
      int close = template.indexOf('}', pos);
      if (close >= 0 && (open < 0 || close < open)) {
        return Optional.of("\"}\" without \"{\" in \"" + template + "\"" + knownSuffix(known));
      }
      if (open < 0) {
        return Optional.empty();
      }
      if (close < 0) {
        return Optional.of("\"{\" is not closed in \"" + template + "\"" + knownSuffix(known));
      }
      String name = template.substring(open + 1, close);
      if (!known.contains(name)) {
        String hint = DidYouMean.closest(name, known).map(k -> ", did you mean {" + k + "}?").orElse("");
        return Optional.of("unknown placeholder {" + name + "}" + hint + knownSuffix(known));
      }
      pos = close + 1;
    }
    return Optional.empty();
  }

  private static String knownSuffix(List<String> known) {
    return known.isEmpty() ? " (this key takes no placeholders)"
        : " (known: " + known.stream().map(k -> "{" + k + "}").collect(Collectors.joining(", ")) + ")";
  }
}
