package io.ferry.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.buffer.BufferRecord;
import io.ferry.buffer.SampleRecord;
import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import io.ferry.http.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeliveryTest {
  static final List<BufferRecord> RECORDS = List.of(new SampleRecord(7, Sample.of(ChannelId.of("boiler1", "flow"), 1_000_000L, 2.5)));

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of(new Verdict.RetryAfter(Optional.of(Duration.ofSeconds(7)), "HTTP 429"),
            new Delivery.Retry(Optional.of(Duration.ofSeconds(7)), "HTTP 429")),
        Arguments.of(new Verdict.RetryAfter(Optional.empty(), "HTTP 503"), new Delivery.Retry(Optional.empty(), "HTTP 503")),
        Arguments.of(new Verdict.Reject("bad value"), new Delivery.Rejected(RECORDS, "bad value")),
        Arguments.of(new Verdict.TooLarge("HTTP 413"), new Delivery.TooLarge("HTTP 413")),
        Arguments.of(new Verdict.Unauthorized("HTTP 401"), new Delivery.Unauthorized("HTTP 401")),
        Arguments.of(new Verdict.Misconfigured("HTTP 404"), new Delivery.Misconfigured("HTTP 404")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void aFailedVerdictAsksForTheDeliveryOfItsKindAndReadsTheRecordsOnlyToRejectThem(Verdict v, Delivery expected) {
    AtomicInteger asked = new AtomicInteger();
    Supplier<List<? extends BufferRecord>> rejected = () -> {
      asked.incrementAndGet();
      return RECORDS;
    };
    assertThat(Delivery.ofFailed(v, rejected)).isEqualTo(expected);
    assertThat(asked.get()).isEqualTo(v instanceof Verdict.Reject ? 1 : 0);
  }

  static Stream<Verdict> successes() {
    return Stream.of(new Verdict.Acknowledged(), new Verdict.Partial(Set.of("a/b"), "one stream missing"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("successes")
  void aSuccessIsNotAFailure(Verdict v) {
    assertThatThrownBy(() -> Delivery.ofFailed(v, () -> RECORDS)).isInstanceOf(IllegalStateException.class);
  }
}
