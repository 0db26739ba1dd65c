package io.ferry.agent.cli;

/** The one CSV quoting of the commands' output (RFC 4180), so every export opens the same way in a spreadsheet. */
final class Csv {
  private Csv() {}

  /**
   * {@code text} as one field: as is, or in double quotes with its quotes doubled when it holds a
   * comma, a quote or a line break ({@code \n} or {@code \r}: a bare carriage return ends a record
   * for many readers too).
   */
  static String field(String text) {
    boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0;
    return quote ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
  }
}
