package io.ferry.config;

import java.util.Locale;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns the YAML parser's messages ("while parsing a block collection ... expected &lt;block
 * end&gt;, but found '?'") into what was expected where, in words an operator reads.
 */
final class YamlSyntax {
  private YamlSyntax() {}

  static String explain(MarkedYAMLException m) {
    String problem = m.getProblem() == null ? "unreadable" : m.getProblem().trim();
    String context = m.getContext() == null ? "" : m.getContext().trim();
    int contextLine = m.getContextMark() == null ? 0 : m.getContextMark().getLine() + 1;
    String what = words(problem);
    String where = switch (context) {
      case "while parsing a block collection" -> " in the list that starts at line " + contextLine + "; check the indentation of this line";
      case "while parsing a block mapping" -> " in the key: value lines that start at line " + contextLine + "; check the indentation of this line";
      case "while parsing a flow sequence" -> " in the [ ] list that starts at line " + contextLine;
      case "while parsing a flow mapping" -> " in the { } mapping that starts at line " + contextLine;
      case "while scanning a quoted scalar" -> " in the quoted text that starts at line " + contextLine + "; is a closing quote missing?";
      case "while scanning a simple key" -> " in the key that starts at line " + contextLine + "; is a ':' missing?";
      case "" -> "";
      default -> " (" + words(context) + (contextLine > 0 ? " at line " + contextLine : "") + ")";
    };
    return "YAML syntax error: " + what + where;
  }

  /** Replaces the parser's token names by words; drops anything that names Java. */
  static String words(String s) {
    String w = s
        .replace("but got", "but found")
        .replaceAll("but found ([^'<\\s]\\S*)$", "but found '$1'")
        .replaceAll("'(<[a-z ]+>)'", "$1")
        .replace("mapping values are not allowed here", "a ':' is not allowed here (quote a value that contains ': ')")
        .replace("found unexpected end of stream", "the file ends unexpectedly")
        .replace("<block end>", "the end of the indented block")
        .replace("<block mapping start>", "a key: value line")
        .replace("<block sequence start>", "a list")
        .replace("<stream end>", "the end of the file")
        .replace("<document start>", "a '---' line")
        .replace("<scalar>", "a value")
        .replace("'?'", "a key")
        .replace("'-'", "a '- ' list item")
        .replace("(Do not use @ for indentation)", "")
        .replace("that cannot start any token", "that cannot start a value (quote the value)");
    return clean(w.trim());
  }

  /** Drops Java-isms (class names, "StreamReadConstraints") from a parser message. */
  static String clean(String s) {
    String c = s.replaceAll("\\(from `?StreamReadConstraints[^)]*\\)", "").replaceAll("`[A-Za-z.]+\\(\\)`", "");
    c = c.replaceAll("\\b[a-z]+(\\.[a-z0-9]+)+\\.[A-Z][A-Za-z]+(Exception|Error)\\b:?", "");
    c = c.replaceAll("\\b[A-Z][A-Za-z]*(Exception|Error|Constraints)\\b:?", "");
    return c.replaceAll("\\s+", " ").trim().toLowerCase(Locale.ROOT).isEmpty() ? "unreadable" : c.replaceAll("\\s+", " ").trim();
  }
}
