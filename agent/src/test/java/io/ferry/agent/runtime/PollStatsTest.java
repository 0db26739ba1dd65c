package io.ferry.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PollStatsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      # polls | empty | errors | timeouts | skipped | missed | refused | samples | summary
      0 | 0 | 0 | 0 | 0 | 0 | 0 | 0   | 0 polls with data, 0 samples
      1 | 0 | 0 | 0 | 0 | 0 | 0 | 1   | 1 poll with data, 1 sample
      120 | 3 | 1 | 0 | 0 | 0 | 0 | 480 | 120 polls with data, 3 empty, 1 failed, 480 samples
      5 | 0 | 2 | 1 | 4 | 2 | 7 | 10  | 5 polls with data, 2 failed, 1 timed out, 4 skipped (connecting or backing off), 2 missed ticks, 7 samples refused by the buffer, 10 samples
      """)
  void theLogSummaryIsWordsWithoutZeroCounts(long polls, long empty, long errors, long timeouts, long skipped, long missed,
      long refused, long samples, String summary) {
    PollStats s = new PollStats("i", polls, empty, samples, errors, timeouts, missed, refused, skipped, 0, false, 0, 0, 0, "",
        Duration.ofSeconds(1), Duration.ofSeconds(1), Optional.empty());
    assertThat(s.summary()).isEqualTo(summary).doesNotContain("PollStats[");
  }
}
