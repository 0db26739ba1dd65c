package io.ferry.mirror;

import io.ferry.config.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * The validated {@code mirror:} section of agent.yaml. Immutable; built only by
 * {@link MirrorPlanner}.
 *
 * @param baseUrl cluster base URL, for example {@code https://westeurope-1.cognitedata.com}
 * @param project CDF project
 * @param subscription external id of the datapoint subscription
 * @param partitions partition indexes to follow; empty means every partition of the subscription
 * @param tokenUrl OAuth2 token endpoint (client-credentials grant)
 * @param clientId OAuth2 client id
 * @param clientSecret OAuth2 client secret (never logged)
 * @param scopes OAuth2 scopes, sent space-separated (may be empty when {@code audience} is used)
 * @param audience optional {@code audience} form parameter (some IdPs want it instead of scopes)
 * @param initializeCursors where a partition without a stored cursor starts ({@code now},
 *     {@code 2d-ago}); empty means the beginning of the subscription's retained stream
 * @param pollTimeout long-poll time the server may hold a request when there is no data (0 to 5 s)
 * @param limit approximate number of points per response (1 to 100000)
 * @param retention mirrored points whose timestamp is older than this are deleted
 * @param cursorMargin when the server rejects a stored cursor, the stream is re-read from the last
 *     processed time minus this margin (re-delivered data is harmless)
 * @param includeBad keep datapoints with a Bad status code (sent as {@code ignoreBadDataPoints=false})
 * @param includeUncertain keep Uncertain datapoints as such (sent as {@code treatUncertainAsBad=false})
 */
public record MirrorPlan(
    HttpUrl baseUrl,
    String project,
    String subscription,
    List<Integer> partitions,
    HttpUrl tokenUrl,
    String clientId,
    Secret clientSecret,
    List<String> scopes,
    Optional<String> audience,
    Optional<String> initializeCursors,
    Duration pollTimeout,
    int limit,
    Duration retention,
    Duration cursorMargin,
    boolean includeBad,
    boolean includeUncertain) {

  public MirrorPlan {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(subscription, "subscription");
    partitions = List.copyOf(partitions);
    Objects.requireNonNull(tokenUrl, "tokenUrl");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    scopes = List.copyOf(scopes);
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(initializeCursors, "initializeCursors");
    Objects.requireNonNull(pollTimeout, "pollTimeout");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(cursorMargin, "cursorMargin");
  }

  /** {@code POST {base}/api/v1/projects/{project}/timeseries/subscriptions/data/list}. */
  public HttpUrl dataListUrl() {
    return subscriptionsUrl().newBuilder().addPathSegment("data").addPathSegment("list").build();
  }

  /** {@code POST .../timeseries/subscriptions/byids}: tells the partition count. */
  public HttpUrl byIdsUrl() {
    return subscriptionsUrl().newBuilder().addPathSegment("byids").build();
  }

  private HttpUrl subscriptionsUrl() {
    return baseUrl.newBuilder()
        .addPathSegments("api/v1/projects")
        .addPathSegment(project)
        .addPathSegments("timeseries/subscriptions")
        .build();
  }

  /** Lines for {@code ferry plan}; the secret shows only where it comes from. */
  public List<String> describe() {
    return List.of(
        "mirror: subscription \"" + subscription + "\" of project " + project + " at " + baseUrl,
        "  partitions: " + (partitions.isEmpty() ? "all" : partitions.toString()),
        "  token: " + tokenUrl + " client " + clientId + " secret " + clientSecret.source()
            + (scopes.isEmpty() ? "" : " scopes " + String.join(" ", scopes))
            + audience.map(a -> " audience " + a).orElse(""),
        "  start: " + initializeCursors.orElse("beginning of the stream") + ", pollTimeout "
            + pollTimeout.toSeconds() + "s, limit " + limit,
        "  retention: " + retention + ", cursor margin " + cursorMargin
            + (includeBad ? ", bad points kept" : "") + (includeUncertain ? ", uncertain points kept" : ""));
  }
}
