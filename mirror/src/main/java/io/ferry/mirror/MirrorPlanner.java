package io.ferry.mirror;

import io.ferry.config.ConfigNode;
import io.ferry.config.Fields;
import io.ferry.config.Secret;
import io.ferry.http.BaseUrl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import okhttp3.HttpUrl;

/**
 * Reads the {@code mirror:} section of agent.yaml into a {@link MirrorPlan}. Pure: it touches
 * neither the network nor the database; every problem goes to the section's {@link Fields} (file,
 * line, path) and the plan is empty when any key of the section is wrong.
 */
public final class MirrorPlanner {
  static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofSeconds(5);
  static final int DEFAULT_LIMIT = 1000;
  static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
  static final Duration DEFAULT_CURSOR_MARGIN = Duration.ofMinutes(15);

  private MirrorPlanner() {}

  /** The plan, or empty with problems reported (also empty when {@code enabled: false}). */
  public static Optional<MirrorPlan> plan(Fields f) {
    int before = f.context().problems().size();
    boolean enabled = f.bool("enabled", true);
    Optional<HttpUrl> baseUrl = BaseUrl.required(f, "baseUrl");
    Optional<String> project = f.requiredString("project");
    Optional<String> subscription = f.requiredString("subscription");
    subscription.filter(s -> s.length() > 255).ifPresent(s -> f.error("subscription", "an external id has at most 255 characters"));
    List<Integer> partitions = partitions(f);
    Optional<HttpUrl> tokenUrl = BaseUrl.required(f, "tokenUrl");
    Optional<String> clientId = f.requiredString("clientId");
    Optional<Secret> clientSecret = Secret.plausible(f, "clientSecret", f.requiredSecret("clientSecret"));
    List<String> scopes = f.strings("scopes");
    Optional<String> audience = f.string("audience");
    if (scopes.isEmpty() && audience.isEmpty()) {
      f.error("scopes", "give scopes (for example https://<cluster>.cognitedata.com/.default) or an audience for the token request");
    }
    Optional<String> init = f.string("initializeCursors");
    init.filter(v -> !InitializeCursors.isValid(v)).ifPresent(v ->
        f.error("initializeCursors", "expected \"now\" or N[w|d|h|m]-ago such as 2d-ago, got \"" + v + "\""));
    Duration pollTimeout = f.duration("pollTimeout", DEFAULT_POLL_TIMEOUT, Duration.ZERO, Duration.ofSeconds(5));
    if (pollTimeout.toNanos() % 1_000_000_000L != 0) {
      f.error("pollTimeout", "must be whole seconds (the API takes pollTimeoutSeconds)");
    }
    int limit = f.integer("limit", DEFAULT_LIMIT, 1, 100_000);
    Duration retention = f.duration("retention", DEFAULT_RETENTION, Duration.ofHours(1), Duration.ofDays(3650));
    Duration margin = f.duration("cursorMargin", DEFAULT_CURSOR_MARGIN, Duration.ZERO, Duration.ofDays(7));
    boolean includeBad = f.bool("includeBad", false);
    boolean includeUncertain = f.bool("includeUncertain", false);
    if (!enabled || f.context().problems().size() != before) {
      return Optional.empty();
    }
    if (baseUrl.isEmpty() || project.isEmpty() || subscription.isEmpty() || tokenUrl.isEmpty()
        || clientId.isEmpty() || clientSecret.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new MirrorPlan(baseUrl.get(), project.get(), subscription.get(), partitions, tokenUrl.get(),
        clientId.get(), clientSecret.get(), scopes, audience, init.filter(InitializeCursors::isValid), pollTimeout,
        limit, retention, margin, includeBad, includeUncertain));
  }

  private static List<Integer> partitions(Fields f) {
    Optional<ConfigNode> node = f.node("partitions");
    if (node.isEmpty()) {
      return List.of();
    }
    if (node.get() instanceof ConfigNode.Scalar s && s.text().equalsIgnoreCase("all")) {
      return List.of();
    }
    TreeSet<Integer> out = new TreeSet<>();
    for (String p : f.strings("partitions")) {
      try {
        int i = Integer.parseInt(p.trim());
        if (i < 0 || i > 99) {
          f.error("partitions", "a partition index is 0 to 99, got " + i);
        } else if (!out.add(i)) {
          f.error("partitions", "partition " + i + " is listed twice");
        }
      } catch (NumberFormatException e) {
        f.error("partitions", "expected partition indexes (0, 1, ...) or \"all\", got \"" + p + "\"");
      }
    }
    return new ArrayList<>(out);
  }
}
