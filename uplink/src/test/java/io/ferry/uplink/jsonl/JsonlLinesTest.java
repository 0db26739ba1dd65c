package io.ferry.uplink.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.buffer.IncrementRecord;
import io.ferry.buffer.RollupRecord;
import io.ferry.core.ChannelId;
import io.ferry.uplink.JsonBody;
import org.junit.jupiter.api.Test;

class JsonlLinesTest {
  static final ChannelId CH = ChannelId.of("boiler1", "energy");
  static final long T = 1_767_225_600_000_000L;

  @Test
  void rollupLine() throws Exception {
    RollupRecord r = new RollupRecord(1, CH, T, 60_000_000L, 60, 1, 2, 0.5, 3, 90, 1.5, 1.4, 2);
    assertThat(JsonBody.toJson(g -> JsonlLines.rollup(g, r))).isEqualTo("{\"kind\":\"rollup\",\"instrument\":\"boiler1\","
        + "\"channel\":\"energy\",\"start\":\"2026-01-01T00:00:00.000000Z\",\"intervalSeconds\":60,\"count\":60,\"first\":1.0,"
        + "\"last\":2.0,\"min\":0.5,\"max\":3.0,\"sum\":90.0,\"avg\":1.5,\"twa\":1.4,\"revision\":2}");
  }

  @Test
  void incrementLineAndNonFiniteAsNull() throws Exception {
    IncrementRecord r = new IncrementRecord(7, CH, T + 60_000_000L, 60_000_000L, Double.NaN);
    assertThat(JsonBody.toJson(g -> JsonlLines.increment(g, r))).isEqualTo("{\"kind\":\"increment\",\"instrument\":\"boiler1\","
        + "\"channel\":\"energy\",\"bucket\":\"2026-01-01T00:01:00.000000Z\",\"bucketSeconds\":60,\"delta\":null}");
  }
}
