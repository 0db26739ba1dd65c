package io.ferry.drivers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicFilterTest {
  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource(delimiter = '|', textBlock = """
      plant/+/temp   | plant/line1/temp      | true
      plant/+/temp   | plant/line1/x/temp    | false
      plant/+/temp   | plant/temp            | false
      plant/#        | plant                 | true
      plant/#        | plant/a/b/c           | true
      plant/#        | plants/a              | false
      #              | a/b                   | true
      #              | $SYS/broker/uptime    | false
      +/uptime       | $SYS/uptime           | false
      $SYS/#         | $SYS/broker/uptime    | true
      a/+            | a/                    | true
      a/b            | a/b                   | true
      a/b            | a/b/                  | false
      +/+            | /x                    | true
      """)
  void matchesLikeMqtt311(String filter, String topic, boolean expected) {
    TopicFilter f = TopicFilter.parse(filter).filter().orElseThrow();
    assertThat(f.matches(TopicFilter.split(topic))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a/#/b  | must be a whole level and the last one
      a/b#   | must be a whole level and the last one
      a/b+/c | "+" must be a whole level
      """)
  void rejectsInvalidFilters(String filter, String error) {
    TopicFilter.Result r = TopicFilter.parse(filter);
    assertThat(r.filter()).isEmpty();
    assertThat(r.error()).contains(error);
  }
}
