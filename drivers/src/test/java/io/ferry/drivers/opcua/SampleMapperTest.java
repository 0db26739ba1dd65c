package io.ferry.drivers.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.ferry.core.ChannelId;
import io.ferry.core.MicroTime;
import io.ferry.core.Quality;
import java.time.Instant;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SampleMapperTest {
  static final ChannelId CH = new ChannelId("i", "c");
  static final Instant SOURCE = Instant.parse("2026-01-01T00:00:01.5Z");
  static final Instant SERVER = Instant.parse("2026-01-01T00:00:02Z");
  static final long ARRIVAL = MicroTime.micros(Instant.parse("2026-01-01T00:00:03Z"));

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of(StatusCodes.Good, Quality.GOOD),
        Arguments.of(StatusCodes.Good_Clamped, Quality.GOOD),
        Arguments.of(StatusCodes.Uncertain_LastUsableValue, Quality.UNCERTAIN),
        Arguments.of(StatusCodes.Uncertain_EngineeringUnitsExceeded, Quality.UNCERTAIN),
        Arguments.of(StatusCodes.Bad_SensorFailure, Quality.BAD),
        Arguments.of(StatusCodes.Bad_CommunicationError, Quality.BAD));
  }

  @ParameterizedTest
  @MethodSource("statuses")
  void statusSeverityIsTheQuality(long status, Quality quality) {
    Reading r = SampleMapper.map(CH, new DataValue(new Variant(1.0), new StatusCode(status), null), TimestampSource.SOURCE, ARRIVAL);
    assertThat(r).isInstanceOfSatisfying(Reading.Value.class, v -> assertThat(v.sample().quality()).isEqualTo(quality));
  }

  @ParameterizedTest
  @MethodSource("unusable")
  void nodeLevelStatusesMakeTheNodeUnusable(long status) {
    assertThat(SampleMapper.map(CH, new DataValue(new StatusCode(status)), TimestampSource.SOURCE, ARRIVAL)).isInstanceOf(Reading.Unusable.class);
  }

  static Stream<Long> unusable() {
    return Stream.of(StatusCodes.Bad_NodeIdUnknown, StatusCodes.Bad_NodeIdInvalid, StatusCodes.Bad_NotReadable, StatusCodes.Bad_UserAccessDenied,
        StatusCodes.Bad_AttributeIdInvalid);
  }

  @Test
  void badWithoutValueIsANaNSampleAndGoodWithoutValueIsNothing() {
    Reading bad = SampleMapper.map(CH, new DataValue(new StatusCode(StatusCodes.Bad_NoCommunication)), TimestampSource.SOURCE, ARRIVAL);
    assertThat(bad).isInstanceOfSatisfying(Reading.Value.class, v -> {
      assertThat(v.sample().value()).isNaN();
      assertThat(v.sample().quality()).isEqualTo(Quality.BAD);
    });
    assertThat(SampleMapper.map(CH, new DataValue(Variant.NULL_VALUE), TimestampSource.SOURCE, ARRIVAL)).isInstanceOf(Reading.Empty.class);
  }

  @Test
  void arraysAreUnusable() {
    Reading r = SampleMapper.map(CH, new DataValue(new Variant(new double[] {1, 2})), TimestampSource.SOURCE, ARRIVAL);
    assertThat(r).isInstanceOfSatisfying(Reading.Unusable.class, u -> assertThat(u.reason()).contains("array"));
  }

  @Test
  void unsignedAndStatusValuesAreNumbers() {
    Reading r = SampleMapper.map(CH, new DataValue(new Variant(uint(4_000_000_000L))), TimestampSource.SOURCE, ARRIVAL);
    assertThat(r).isInstanceOfSatisfying(Reading.Value.class, v -> assertThat(v.sample().value()).isEqualTo(4e9));
  }

  static Stream<Arguments> timestamps() {
    DateTime src = new DateTime(SOURCE);
    DateTime srv = new DateTime(SERVER);
    return Stream.of(
        Arguments.of(TimestampSource.SOURCE, src, srv, MicroTime.micros(SOURCE)),
        Arguments.of(TimestampSource.SOURCE, null, srv, MicroTime.micros(SERVER)),
        Arguments.of(TimestampSource.SOURCE, DateTime.MIN_VALUE, null, ARRIVAL),
        Arguments.of(TimestampSource.SERVER, src, srv, MicroTime.micros(SERVER)),
        Arguments.of(TimestampSource.SERVER, src, null, ARRIVAL),
        Arguments.of(TimestampSource.AGENT, src, srv, ARRIVAL));
  }

  @ParameterizedTest
  @MethodSource("timestamps")
  void timestampPreferenceAndFallback(TimestampSource pref, DateTime source, DateTime server, long expected) {
    DataValue dv = new DataValue(new Variant(1.0), StatusCode.GOOD, source, server);
    assertThat(SampleMapper.time(dv, pref, ARRIVAL)).isEqualTo(expected);
  }
}
