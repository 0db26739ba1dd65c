package io.ferry.uplink.tempodb;

import io.ferry.config.Secret;
import io.ferry.core.ChannelId;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Stat;
import io.ferry.uplink.ChannelCatalog;
import io.ferry.uplink.RunnerSettings;
import io.ferry.uplink.UplinkPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import okhttp3.HttpUrl;

/**
 * A TempoDB uplink.
 *
 * @param baseUrl {@code {url}/v1/}: every endpoint is relative to it
 * @param key the API key (HTTP Basic user)
 * @param secret the API secret (HTTP Basic password)
 * @param ambiguous what happens to increments whose request may have reached the server
 *
 * <p>Only the uplink's own keys: a channel's kind and rollup statistics come from the live
 * {@link io.ferry.uplink.ChannelCatalog}, so an instrument change leaves this plan equal and the
 * uplink running.
 */
public record TempoDbPlan(
    String name, HttpUrl baseUrl, Secret key, Secret secret, Ambiguous ambiguous, RunnerSettings runner)
    implements UplinkPlan {
  public static final String TYPE = "tempodb";

  /**
   * After a timeout or a reset once the request body was written: {@code COUNT_UNKNOWN} (default)
   * does not resend (at most once) and counts the increments as outcome unknown; {@code RESEND}
   * sends them again (at least once: an increment may be counted twice).
   */
  public enum Ambiguous { COUNT_UNKNOWN, RESEND }

  @Override
  public String type() {
    return TYPE;
  }

  /**
   * Series key of a raw or increment channel: {@code instrument/channel}. Names never contain a
   * slash, so keys cannot collide; every character is in TempoDB's key set.
   */
  public static String seriesKey(ChannelId ch) {
    return ch.instrument() + "/" + ch.channel();
  }

  /**
   * Series key of a raw sample: {@code instrument/channel} for a gauge; {@code instrument/channel/raw}
   * for the readings of a counter or event channel, whose {@code instrument/channel} series holds
   * its increments (a write there would overwrite counted totals).
   */
  public static String rawKey(ChannelCatalog catalog, ChannelId ch) {
    ChannelSpec spec = catalog.spec(ch).orElse(null);
    return spec != null && spec.kind() != io.ferry.core.ValueKind.GAUGE ? seriesKey(ch) + "/raw" : seriesKey(ch);
  }

  /** Series key of a rollup statistic: {@code instrument/channel/avg}. */
  public static String seriesKey(ChannelId ch, Stat stat) {
    return seriesKey(ch) + "/" + stat.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("POST " + baseUrl + "{increment/, multi/increment/, data/, multi/} (HTTP Basic, key " + key.source()
        + ", secret " + secret.source() + ")");
    lines.add("series keys: instrument/channel (gauge samples, increments), instrument/channel/raw (counter and event readings), instrument/channel/stat (rollups); "
        + runner.batchRecords() + " records per lease");
    lines.add(ambiguous == Ambiguous.RESEND
        ? "increments after an ambiguous failure: sent again (at least once, may count twice)"
        : "increments after an ambiguous failure: not sent again, counted as outcome unknown (at most once)");
    return lines;
  }
}
