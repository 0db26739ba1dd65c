package io.ferry.uplink.clarify;

import io.ferry.config.Secret;
import io.ferry.core.ChannelId;
import io.ferry.core.Stat;
import io.ferry.http.Redact;
import io.ferry.uplink.RunnerSettings;
import io.ferry.uplink.UplinkPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * A Clarify {@code integration.insert} uplink.
 *
 * @param apiUrl {@code {url}/v1/}: the RPC endpoint is {@code rpc}, the token endpoint {@code oauth/token} below it
 * @param integration the integration id ({@code params.integration})
 * @param auth Basic or OAuth 2.0 client credentials; only the secrets' sources are ever printed
 * @param maxRequestBytes largest request body (uncompressed JSON), at most 8 MiB
 * @param signals every series routed here, by (channel, statistic; null for raw samples)
 */
public record ClarifyPlan(
    String name,
    HttpUrl apiUrl,
    String integration,
    Auth auth,
    long maxRequestBytes,
    Map<Series, Signal> signals,
    RunnerSettings runner)
    implements UplinkPlan {
  public static final String TYPE = "clarify";
  /** Clarify's request limit: "~8MiB (uncompressed JSON)". */
  public static final long API_MAX_REQUEST_BYTES = 8L << 20;
  /** Sent as {@code X-API-Version}. */
  public static final String API_VERSION = "1.1";
  /** Both RPC methods are limited to one request per second per integration. */
  public static final Duration API_MIN_INTERVAL = Duration.ofSeconds(1);

  /** How requests authenticate. */
  public sealed interface Auth {
    /** HTTP Basic: the integration id (or another user name) and the password. */
    record Basic(String username, Secret password) implements Auth {}

    /** OAuth 2.0 client credentials against {@code {apiUrl}oauth/token} with {@code audience}. */
    record ClientCredentials(String clientId, Secret clientSecret, String audience) implements Auth {}
  }

  /** One series of a channel: raw samples ({@code stat == null}) or one statistic of its rollups. */
  public record Series(ChannelId channel, Stat stat) {
    public static Series raw(ChannelId channel) {
      return new Series(channel, null);
    }

    /** {@code kiln/temp} or {@code kiln/temp:avg}, as written under {@code inputKeys}. */
    public String label() {
      return stat == null ? channel.toString() : channel + ":" + stat.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * What Clarify learns about a series through {@code integration.saveSignals}.
   *
   * @param sampleInterval the poll interval for raw samples, the rollup interval for rollups
   */
  public record Signal(String inputKey, String name, String description, String engUnit, Map<String, List<String>> labels,
      Optional<Duration> sampleInterval) {
    public Signal {
      labels = Map.copyOf(labels);
    }
  }

  public ClarifyPlan {
    signals = Map.copyOf(signals);
  }

  @Override
  public String type() {
    return TYPE;
  }

  public HttpUrl rpcUrl() {
    return apiUrl.resolve("rpc");
  }

  public HttpUrl tokenUrl() {
    return apiUrl.resolve("oauth/token");
  }

  /** The secrets, for {@link io.ferry.http.Redact#echo}. */
  public Secret[] secrets() {
    if (auth instanceof Auth.Basic b) {
      return new Secret[] {b.password()};
    } else if (auth instanceof Auth.ClientCredentials c) {
      return new Secret[] {c.clientSecret()};
    }
    throw new IllegalStateException("unknown auth " + auth);
  }

  @Override
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    out.add("POST " + rpcUrl() + " (JSON-RPC 2.0, X-API-Version " + API_VERSION + "), integration " + integration);
    if (auth instanceof Auth.Basic b) {
      out.add("auth: basic, user " + b.username() + ", password from " + b.password().source());
    } else if (auth instanceof Auth.ClientCredentials c) {
      out.add("auth: OAuth 2.0 client credentials at " + tokenUrl() + ", client " + c.clientId() + ", secret from "
          + c.clientSecret().source() + ", audience " + c.audience());
    }
    out.add("at most 1 request/s (insert and saveSignals together), at most " + maxRequestBytes + " bytes per request; "
        + "batch " + runner.batchRecords() + " records");
    signals.entrySet().stream().sorted(Map.Entry.comparingByValue(java.util.Comparator.comparing(Signal::inputKey)))
        .forEach(e -> out.add("input key " + e.getValue().inputKey() + " <- " + e.getKey().label()
            + (e.getKey().stat() == null ? " (raw)" : " (rollup)")));
    return out;
  }
}
