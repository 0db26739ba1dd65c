package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one CSV quoting of {@code ferry buffer export} and {@code ferry mirror query}. */
class CsvTest {
  @Test
  void quotesCommasQuotesAndBothLineBreaksOnly() {
    String[][] table = {
        {"", ""},
        {"plain text", "plain text"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"\"", "\"\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"carriage\rreturn", "\"carriage\rreturn\""}, // the buffer export used to leave this bare
        {"crlf\r\n", "\"crlf\r\n\""},
        {"tab\there; semi", "tab\there; semi"},
        {"'single'", "'single'"},
        {"ünïcode ✓", "ünïcode ✓"}};
    for (String[] row : table) {
      assertThat(Csv.field(row[0])).as(row[0]).isEqualTo(row[1]);
    }
  }
}
