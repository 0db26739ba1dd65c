package io.ferry.uplink.atomscale;

import io.ferry.config.Secret;
import io.ferry.uplink.RunnerSettings;
import io.ferry.uplink.UplinkPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * An Atomscale multi-channel stream uplink: one stream ({@code data_id}) per instrument.
 *
 * @param base API root, for example {@code https://api.atomscale.ai}
 * @param pathPrefix {@code /metrology} (documented) or {@code /tool-state} (newest SDK)
 * @param pointsPerChunk points per channel in every chunk but the final one
 * @param instruments per instrument id, its channels (in file order) and their units
 */
public record AtomscalePlan(
    String name,
    HttpUrl base,
    String pathPrefix,
    Secret apiKey,
    int pointsPerChunk,
    Optional<String> projectId,
    Optional<Long> synthSourceId,
    String streamNamePrefix,
    Map<String, List<ChannelUnit>> instruments,
    RunnerSettings runner)
    implements UplinkPlan {
  public static final String TYPE = "atomscale";

  /** A channel of a stream and its unit ("" when none). */
  public record ChannelUnit(String channel, String unit) {}

  public AtomscalePlan {
    instruments = Map.copyOf(instruments);
  }

  @Override
  public String type() {
    return TYPE;
  }

  public HttpUrl url(String... segments) {
    HttpUrl.Builder b = base.newBuilder();
    for (String s : pathPrefix.split("/")) {
      if (!s.isEmpty()) {
        b.addPathSegment(s);
      }
    }
    b.addPathSegment("stream");
    for (String s : segments) {
      b.addPathSegment(s);
    }
    return b.build();
  }

  public String streamName(String instrument) {
    return streamNamePrefix + instrument;
  }

  @Override
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("POST " + url("chunk", "multi") + " (X-API-KEY " + apiKey.source() + "), " + pointsPerChunk + " points per channel per chunk");
    instruments.forEach((id, chs) -> lines.add("stream " + streamName(id) + ": " + chs.size() + " channels"));
    return lines;
  }
}
