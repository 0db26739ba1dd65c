package io.ferry.uplink.grovestreams;

import io.ferry.config.Secret;
import io.ferry.uplink.RunnerSettings;
import io.ferry.uplink.UplinkPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * A GroveStreams feed uplink.
 *
 * @param feedUrl {@code {base}/api/feed}
 * @param apiKey the api_key; only its source is ever printed
 * @param auth where the key goes: query parameter or cookie
 * @param org optional organisation uid ({@code org} query parameter or cookie)
 * @param gatewayId sent as {@code X-Forwarded-For} (GroveStreams rate-limits per IP)
 * @param maxStreams streams per PUT (API limit 2,000)
 * @param bodyCap about the largest uncompressed body of one PUT, in bytes (API limit 200 MB)
 * @param metadata when stream {@code defaults} are sent
 * @param component template, folder and defaults for auto-created components
 * @param cycles rollup interval (seconds) to GroveStreams cycle id
 *
 * <p>Only the uplink's own keys: the metadata of the channels it sends (units, descriptions,
 * rollup statistics, component names) comes from the live {@link io.ferry.uplink.ChannelCatalog},
 * so an instrument change leaves this plan equal and the uplink running.
 */
public record GroveStreamsPlan(
    String name,
    HttpUrl feedUrl,
    Secret apiKey,
    Auth auth,
    Optional<String> org,
    String gatewayId,
    boolean gzip,
    int maxStreams,
    long bodyCap,
    Metadata metadata,
    ComponentSettings component,
    Map<Long, String> cycles,
    Optional<String> rollupCalendarId,
    RunnerSettings runner)
    implements UplinkPlan {
  public static final String TYPE = "grovestreams";
  public static final int API_MAX_STREAMS = 2000;
  /** Largest default {@code bodyCap}: 16 MiB, a twelfth of the API's 200 MB, about 400,000 samples. */
  public static final long DEFAULT_BODY_CAP = 16L << 20;

  /**
   * The default {@code bodyCap} for a JVM whose heap may grow to {@code maxHeap} bytes: 16 MiB, or
   * a quarter of the heap when that is less (at least 1 MiB). The cap counts encoded body bytes
   * (about 40 per numeric sample); the lease holds its samples as primitive arrays (about 45 bytes
   * of heap per sample at the peak, with the scan's ordering and the ack's sequence lists), so a
   * quarter keeps one lease under a third of the heap (-Xmx64m: about 15.5 MiB, some 380,000
   * samples per PUT; a record object per sample cost about 120 bytes before).
   */
  public static long defaultBodyCap(long maxHeap) {
    return Math.max(1L << 20, Math.min(DEFAULT_BODY_CAP, maxHeap / 4));
  }
  /** The API's body limit. */
  public static final long API_MAX_BODY = 200_000_000L;
  /** Room kept in the body cap per stream for its ids and defaults (metadata), beyond its samples. */
  static final int STREAM_OVERHEAD_BYTES = 512;

  public enum Auth { QUERY, COOKIE }

  /** {@code on-missing}: only when the server reports a stream missing (DESIGN.md); {@code first-use}: also the first time Ferry sends a stream it has not seen stored. */
  public enum Metadata { ON_MISSING, FIRST_USE }

  /** Component auto-creation: template id, folder (query parameter) and location defaults. */
  public record ComponentSettings(Optional<String> templateId, Optional<String> folder, Map<String, Object> location) {
    public ComponentSettings {
      location = Map.copyOf(location);
    }
  }

  public GroveStreamsPlan {
    cycles = Map.copyOf(cycles);
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** The cycle id of a rollup interval: configured, or the interval written as 1m, 15m, 1h. */
  public String cycleId(long intervalMicros) {
    long seconds = intervalMicros / 1_000_000L;
    String configured = cycles.get(seconds);
    return configured != null ? configured : io.ferry.config.Durations.format(java.time.Duration.ofSeconds(seconds));
  }

  /** Bytes of a lease's samples (40 per numeric sample) that keep one PUT within {@link #bodyCap}. */
  public long sampleBytes() {
    return Math.max(4096, bodyCap - (long) maxStreams * STREAM_OVERHEAD_BYTES);
  }

  @Override
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("PUT " + feedUrl + " (api_key " + apiKey.source() + " as " + auth.name().toLowerCase() + ", X-Forwarded-For "
        + gatewayId + (gzip ? ", gzip" : "") + ")");
    lines.add("at most " + maxStreams + " streams, " + runner.batchRecords() + " records and about "
        + (bodyCap % (1 << 20) == 0 ? (bodyCap >> 20) + " MiB" : bodyCap + " bytes") + " per PUT, one PUT per " + runner.minInterval().toSeconds() + " s at most");
    lines.add("stream defaults sent " + (metadata == Metadata.ON_MISSING ? "when reported missing" : "on first use and when reported missing"));
    component.templateId().ifPresent(t -> lines.add("component template " + t));
    component.folder().ifPresent(f -> lines.add("new components in folder " + f));
    return lines;
  }
}
