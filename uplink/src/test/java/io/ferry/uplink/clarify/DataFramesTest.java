package io.ferry.uplink.clarify;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.buffer.SampleRecord;
import io.ferry.core.ChannelId;
import io.ferry.core.Sample;
import io.ferry.uplink.JsonBody;
import io.ferry.uplink.UplinkTesting;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataFramesTest {
  static final long S = 1_000_000L;
  static final long ENVELOPE = 100;

  static DataFrames.Point point(String key, long time, double value) {
    ChannelId ch = ChannelId.of("i", key);
    return new DataFrames.Point(key, time, value, new SampleRecord(time, Sample.of(ch, time, value)));
  }

  static String json(DataFrames.Frame f) throws Exception {
    return JsonBody.toJson(g -> {
      g.writeStartObject();
      f.write(g);
      g.writeEndObject();
    });
  }

  @Test
  void seriesAreAlignedWithTimesAndNullWhereTheyHaveNoValue() throws Exception {
    long t0 = UplinkTesting.T0;
    List<DataFrames.Point> points = List.of(point("b", t0 + 2 * S, 2.0), point("a", t0, 1.0), point("a", t0 + 1 * S + 5, 1.5),
        point("b", t0, 0.25), point("c", t0 + 2 * S, -3.0));
    List<DataFrames.Frame> frames = DataFrames.cut(points, 8L << 20, ENVELOPE);
    assertThat(frames).hasSize(1);
    assertThat(json(frames.get(0))).isEqualTo("{\"times\":[\"2026-01-01T00:00:00.000000Z\",\"2026-01-01T00:00:01.000005Z\","
        + "\"2026-01-01T00:00:02.000000Z\"],\"series\":{\"a\":[1.0,1.5,null],\"b\":[0.25,null,2.0],\"c\":[null,null,-3.0]}}");
    assertThat(frames.get(0).covered()).hasSize(5);
  }

  @Test
  void aKeyWithTwoValuesAtOneTimeKeepsTheLaterOneAndTimesStayUnique() throws Exception {
    long t0 = UplinkTesting.T0;
    List<DataFrames.Frame> frames = DataFrames.cut(List.of(point("a", t0, 1.0), point("a", t0, 2.0)), 8L << 20, ENVELOPE);
    assertThat(json(frames.get(0))).isEqualTo("{\"times\":[\"2026-01-01T00:00:00.000000Z\"],\"series\":{\"a\":[2.0]}}");
    assertThat(frames.get(0).covered()).hasSize(2);
  }

  @Test
  void theByteCountIsExactlyWhatIsWritten() throws Exception {
    long t0 = UplinkTesting.T0;
    List<DataFrames.Point> points = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      points.add(point("k" + (i % 7), t0 + (i / 3) * S, i * 0.25));
    }
    DataFrames.Frame f = DataFrames.cut(points, 8L << 20, ENVELOPE).get(0);
    // "data":{ ... } content plus the envelope; these values print the same in Jackson and Double.toString
    assertThat(f.bytes()).isEqualTo(ENVELOPE + json(f).getBytes(StandardCharsets.UTF_8).length - 2);
  }

  @Test
  void aFrameAboveTheLimitIsCutIntoTheLargestFramesThatFit() throws Exception {
    long t0 = UplinkTesting.T0;
    long limit = 8L << 20;
    List<DataFrames.Point> points = new ArrayList<>();
    for (int i = 0; i < 300_000; i++) {
      points.add(point(i % 2 == 0 ? "kiln.temp" : "kiln.flow", t0 + i * S, i + 0.5));
    }
    List<DataFrames.Frame> frames = DataFrames.cut(points, limit, ENVELOPE);
    assertThat(frames).hasSize(2);
    long written0 = ENVELOPE + json(frames.get(0)).getBytes(StandardCharsets.UTF_8).length - 2;
    assertThat(written0).isLessThanOrEqualTo(limit).isEqualTo(frames.get(0).bytes());
    // The next time row would not have fitted: the first frame is as large as it can be.
    DataFrames.Frame withOneMore = DataFrames.cut(points.subList(0, frames.get(0).times().length + 1), Long.MAX_VALUE, ENVELOPE).get(0);
    assertThat(withOneMore.bytes()).isGreaterThan(limit);
    assertThat(frames.get(0).times().length + frames.get(1).times().length).isEqualTo(300_000);
    assertThat(frames.get(0).covered().size() + frames.get(1).covered().size()).isEqualTo(300_000);
    assertThat(frames.get(1).times()[0]).isGreaterThan(frames.get(0).times()[frames.get(0).times().length - 1]);
  }
}
