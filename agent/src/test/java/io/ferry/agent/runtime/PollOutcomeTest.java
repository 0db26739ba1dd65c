package io.ferry.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.ChannelId;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import io.ferry.drivers.spi.BackingOffException;
import io.ferry.drivers.spi.PollResult;
import io.ferry.drivers.spi.StillConnectingException;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What counts as a successful poll, as a table: only one with a good value (issue 22). */
class PollOutcomeTest {
  static final ChannelId X = ChannelId.of("i", "x");

  static Sample sample(Quality q) {
    return Sample.of(X, 1, 1.0, q);
  }

  static Stream<Arguments> returned() {
    return Stream.of(
        // samples, unchanged good values, outcome, cause
        Arguments.of(List.of(sample(Quality.GOOD)), 0, PollOutcome.Data.class, ""),
        Arguments.of(List.of(sample(Quality.BAD), sample(Quality.GOOD)), 0, PollOutcome.Data.class, ""),
        Arguments.of(List.of(), 2, PollOutcome.Data.class, ""), // static good values left out as unchanged
        Arguments.of(List.of(), 0, PollOutcome.Empty.class, "the poll returned no values"),
        Arguments.of(List.of(sample(Quality.BAD), sample(Quality.UNCERTAIN)), 0, PollOutcome.Empty.class,
            "the poll returned only values of bad or uncertain quality (2)"));
  }

  @ParameterizedTest
  @MethodSource("returned")
  void aPollThatReturned(List<Sample> samples, int unchanged, Class<?> kind, String cause) {
    PollOutcome o = PollOutcome.returned(new PollResult(samples, unchanged));
    assertThat(o).isInstanceOf(kind);
    if (o instanceof PollOutcome.Empty e) {
      assertThat(e.cause()).isEqualTo(cause);
      assertThat(e.samples()).as("bad values still go to the buffer").isEqualTo(samples);
    }
  }

  static Stream<Arguments> threw() {
    return Stream.of(
        Arguments.of(new StillConnectingException("connecting to opc.tcp://plc:4840"), "skipped connecting"),
        Arguments.of(new BackingOffException("unit 1: no answer within 1000ms"), "skipped backing off"),
        Arguments.of(new IOException("connection refused"), "failed"));
  }

  @ParameterizedTest
  @MethodSource("threw")
  void aPollThatThrew(Exception e, String expected) {
    PollOutcome o = PollOutcome.threw(e);
    String got = o instanceof PollOutcome.Skipped s ? (s.connecting() ? "skipped connecting" : "skipped backing off")
        : o instanceof PollOutcome.Failed ? "failed" : o.getClass().getSimpleName();
    assertThat(got).isEqualTo(expected);
    String cause = o instanceof PollOutcome.Skipped s ? s.cause() : ((PollOutcome.Failed) o).cause();
    assertThat(cause).contains(e.getMessage());
  }
}
