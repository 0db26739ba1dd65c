package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one placeholder rule every template key follows (Clarify input keys, MQTT topics, file names). */
class TemplatesTest {
  static final List<String> KEY = List.of("instrument", "channel");
  static final Map<String, List<String>> KNOWN = Map.of("key", KEY, "none", List.of());

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
      key  | {instrument}.{channel}      | ''
      key  | plain                       | ''
      key  | ''                          | ''
      key  | {instrument}{channel}       | ''
      key  | {instrumnet}.{channel}      | unknown placeholder {instrumnet}, did you mean {instrument}? (known: {instrument}, {channel})
      key  | {instrument}.{stat}         | unknown placeholder {stat} (known: {instrument}, {channel})
      key  | {}                          | unknown placeholder {} (known: {instrument}, {channel})
      key  | {Instrument}                | unknown placeholder {Instrument}, did you mean {instrument}? (known: {instrument}, {channel})
      key  | {instrument.{channel}       | unknown placeholder {instrument.{channel} (known: {instrument}, {channel})
      key  | {instrument}.{channel       | '"{" is not closed in "{instrument}.{channel" (known: {instrument}, {channel})'
      key  | instrument}.{channel}       | '"}" without "{" in "instrument}.{channel}" (known: {instrument}, {channel})'
      none | out.jsonl                   | ''
      none | out-{instrument}.jsonl      | unknown placeholder {instrument} (this key takes no placeholders)
      """)
  void everyPlaceholderMustBeKnownAndEveryBraceBelongToOne(String known, String template, String expected) {
    assertThat(Templates.problem(template == null ? "" : template, KNOWN.get(known)))
        .isEqualTo(expected == null || expected.isEmpty() ? Optional.empty() : Optional.of(expected));
  }
}
