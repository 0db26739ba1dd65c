package io.ferry.drivers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Channel templates (topic levels to names) and JSON field paths. */
class FieldMappingTest {
  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource(delimiter = '|', textBlock = """
      {2}_temp       | plant/line1/env  | line1_temp
      {1}.{2}        | plant/line1/env  | plant.line1
      power          | plant/line1/env  | power
      {3}            | plant/line1/env  | env
      x{2}y{2}z      | a/b              | xbybz
      """)
  void resolvesTopicLevels(String template, String topic, String expected) {
    ChannelTemplate t = ChannelTemplate.parse(template).template().orElseThrow();
    assertThat(t.resolve(TopicFilter.split(topic))).contains(expected);
  }

  @Test
  void aMissingLevelResolvesToNothing() {
    ChannelTemplate t = ChannelTemplate.parse("{4}").template().orElseThrow();
    assertThat(t.resolve(List.of("a", "b"))).isEmpty();
    assertThat(t.maxLevel()).isEqualTo(4);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {2             | unclosed
      a}             | unopened
      {0}            | between 1 and 64
      bad name!      | must be 1-128 characters
      """)
  void rejectsBadTemplates(String template, String error) {
    ChannelTemplate.Result r = ChannelTemplate.parse(template);
    assertThat(r.template()).isEmpty();
    assertThat(r.error()).contains(error);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      temp                 | 21.5
      data.sensors[1].v    | 2
      data.sensors[0]      | {"v":1}
      list[2]              | 30
      $                    | <root>
      data.missing         | <none>
      data.sensors[5].v    | <none>
      temp.x               | <none>
      nothing              | <none>
      """)
  void findsFieldsByPath(String path, String expected) throws Exception {
    var root = new ObjectMapper().readTree("""
        {"temp": 21.5, "nothing": null, "list": [10, 20, 30], "data": {"sensors": [{"v": 1}, {"v": 2}]}}""");
    var found = JsonPath.parse(path).path().orElseThrow().find(root);
    switch (expected) {
      case "<none>" -> assertThat(found).isEmpty();
      case "<root>" -> assertThat(found).contains(root);
      default -> assertThat(found.orElseThrow().toString()).isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a..b    | empty name
      a.      | ends with "."
      .a      | empty name
      a[1     | unclosed
      a]      | unopened
      a[-1]   | 0 or more
      a[1]b   | a name must follow
      """)
  void rejectsBadPaths(String path, String error) {
    JsonPath.Result r = JsonPath.parse(path);
    assertThat(r.path()).isEmpty();
    assertThat(r.error()).contains(error);
  }
}
