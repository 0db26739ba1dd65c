package io.ferry.drivers.opcua;

import io.ferry.config.BackoffKeys;
import io.ferry.config.ChannelConfig;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.Secret;
import io.ferry.config.TlsFiles;
import io.ferry.core.Backoff;
import io.ferry.core.ChannelId;
import io.ferry.drivers.opcua.security.Identity;
import io.ferry.drivers.opcua.security.SecurityChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;

/**
 * Reads an OPC UA instrument's keys into an {@link OpcUaPlan}. Pure: reads the YAML readers and
 * secret references only, touches no network. Every problem goes to the readers' context.
 */
final class OpcUaPlanner {
  static final Duration DEFAULT_PUBLISHING = Duration.ofSeconds(1);
  static final int DEFAULT_KEEP_ALIVE = 10;
  static final int DEFAULT_ITEMS_PER_CALL = 1000;

  private OpcUaPlanner() {}

  static Optional<OpcUaPlan> plan(InstrumentConfig ic) {
    Fields top = ic.fields();
    boolean ok = true;
    AcquisitionMode mode = top.choice("mode", List.of("poll", "subscribe"))
        .map(m -> AcquisitionMode.valueOf(m.toUpperCase(Locale.ROOT))).orElse(AcquisitionMode.POLL);
    TimestampSource timestamps = top.enumValue("timestamp", TimestampSource.class, TimestampSource.SOURCE);
    boolean skipUnchanged = top.bool("skipUnchanged", true);

    Optional<Fields> sub = top.object("subscription");
    if (sub.isPresent() && mode == AcquisitionMode.POLL) {
      top.error("subscription", "only used with mode: subscribe (this instrument polls)");
    }
    SubscriptionDefaults defaults = subscription(sub);
    Optional<BackfillSettings> backfill = backfill(top, timestamps);

    Optional<ConnectionSettings> connection = ic.connection().flatMap(OpcUaPlanner::connection);
    if (ic.connection().isEmpty()) {
      top.error("missing required key \"connection\" (with at least endpoint: opc.tcp://host:4840)");
      ok = false;
    } else if (connection.isEmpty()) {
      ok = false;
    }

    List<NodePlan> nodes = new ArrayList<>();
    for (ChannelConfig ch : ic.channels()) {
      node(ch, mode, defaults).ifPresent(nodes::add);
    }
    if (nodes.size() != ic.channels().size() || !ok || defaults.settings().isEmpty() || backfill.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new OpcUaPlan(ic.info(), mode, connection.get(), timestamps, defaults.settings().get(), nodes,
        skipUnchanged, backfill.get()));
  }

  // ---------------------------------------------------------------- backfill

  private static Optional<BackfillSettings> backfill(Fields top, TimestampSource timestamps) {
    Optional<Fields> section = top.object("backfill");
    if (section.isEmpty()) {
      return Optional.of(BackfillSettings.OFF);
    }
    Fields f = section.get();
    boolean enabled = f.bool("enabled", true);
    Duration maxAge = f.duration("maxAge", BackfillSettings.DEFAULT_MAX_AGE, Duration.ofMinutes(1), Duration.ofDays(366));
    int perCall = f.integer("valuesPerCall", BackfillSettings.DEFAULT_VALUES_PER_CALL, 1, 100_000);
    if (enabled && timestamps != TimestampSource.SOURCE) {
      f.error("backfill needs timestamp: source (history values carry their source times; with timestamp: "
          + Fields.enumName(timestamps) + " live and history samples could not be told apart)");
      return Optional.empty();
    }
    return Optional.of(new BackfillSettings(enabled, maxAge, perCall));
  }

  // ---------------------------------------------------------------- connection

  private static Optional<ConnectionSettings> connection(Fields f) {
    Optional<String> endpoint = f.requiredString("endpoint");
    if (endpoint.isPresent() && !endpoint.get().toLowerCase(Locale.ROOT).startsWith("opc.tcp://")) {
      f.error("endpoint", "must be an opc.tcp:// URL such as opc.tcp://192.168.1.20:4840, got \"" + endpoint.get() + "\"");
      endpoint = Optional.empty();
    }
    Optional<SecurityChoice> security = security(f);
    Optional<Identity> identity = identity(f);
    boolean useEndpointHost = f.bool("useEndpointHost", true);
    Duration requestTimeout = f.duration("requestTimeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(10));
    Duration sessionTimeout = f.duration("sessionTimeout", Duration.ofMinutes(2), Duration.ofSeconds(10), Duration.ofHours(1));
    Backoff backoff = BackoffKeys.read(f, Duration.ofSeconds(1), Duration.ofMinutes(1));
    int maxNodesPerRead = f.integer("maxNodesPerRead", 0, 0, 100_000);
    Optional<Path> pkiDir = f.string("pkiDir").map(Path::of);
    if (endpoint.isEmpty() || security.isEmpty() || identity.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ConnectionSettings(endpoint.get(), security.get(), identity.get(), useEndpointHost,
        requestTimeout, sessionTimeout, backoff,
        maxNodesPerRead, pkiDir));
  }

  private static Optional<SecurityChoice> security(Fields f) {
    Optional<String> policyName = f.has("securityPolicy") ? f.choice("securityPolicy", SecurityChoice.POLICIES) : Optional.of("None");
    Optional<String> modeName = f.choice("securityMode", SecurityChoice.MODES);
    if (policyName.isEmpty() || (f.has("securityMode") && modeName.isEmpty())) {
      return Optional.empty();
    }
    SecurityPolicy policy = SecurityChoice.policy(policyName.get());
    MessageSecurityMode mode = modeName.map(SecurityChoice::mode)
        .orElse(policy == SecurityPolicy.None ? MessageSecurityMode.None : MessageSecurityMode.SignAndEncrypt);
    if (policy == SecurityPolicy.None && mode != MessageSecurityMode.None) {
      f.error("securityMode", "securityPolicy None only goes with securityMode None; choose a policy such as Basic256Sha256 to sign or encrypt");
      return Optional.empty();
    }
    if (policy != SecurityPolicy.None && mode == MessageSecurityMode.None) {
      f.error("securityMode", "securityPolicy " + policyName.get() + " needs securityMode Sign or SignAndEncrypt");
      return Optional.empty();
    }
    return Optional.of(new SecurityChoice(policy, mode));
  }

  private static Optional<Identity> identity(Fields f) {
    boolean user = f.has("username");
    boolean cert = f.has("userCertificate");
    Optional<String> username = f.string("username");
    Optional<Secret> password = f.secret("password");
    Optional<String> keyStore = f.string("userCertificate");
    Optional<Secret> keyStorePassword = f.secret("userCertificatePassword");
    Optional<String> alias = f.string("userCertificateAlias");
    if (user && cert) {
      f.error("userCertificate", "choose one user identity: username/password or userCertificate, not both");
      return Optional.empty();
    }
    if (user) {
      if (!f.has("password")) {
        f.error("username", "a username needs a password: password: ${env:NAME} or ${file:/run/credentials/ferry/NAME}");
        return Optional.empty();
      }
      if (username.isEmpty() || username.get().isBlank() || password.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Identity.UserPassword(username.get(), password.get()));
    }
    if (f.has("password")) {
      f.error("password", "a password without a username: add username");
      return Optional.empty();
    }
    if (cert) {
      if (!f.has("userCertificatePassword")) {
        f.error("userCertificate", "the PKCS#12 file needs userCertificatePassword: ${env:NAME} or ${file:/path}");
        return Optional.empty();
      }
      if (keyStore.isEmpty() || keyStorePassword.isEmpty()) {
        return Optional.empty();
      }
      // Opened now as the connector will: a wrong password or a key of another certificate fails check, not every connect.
      Optional<Path> file = TlsFiles.checkClientKey(f, "userCertificate", Optional.of(keyStorePassword.get().reveal().toCharArray()),
          f.path("userCertificatePassword"), alias);
      return file.map(p -> new Identity.X509(p, keyStorePassword.get(), alias));
    }
    if (f.has("userCertificatePassword") || f.has("userCertificateAlias")) {
      f.error("userCertificatePassword", "only used with userCertificate");
      return Optional.empty();
    }
    return Optional.of(new Identity.Anonymous());
  }

  // ---------------------------------------------------------------- subscription

  /** The subscription settings and the per-item defaults. */
  private record SubscriptionDefaults(Optional<SubscriptionSettings> settings, Duration sampling, int queueSize, Deadband deadband) {}

  private static SubscriptionDefaults subscription(Optional<Fields> section) {
    if (section.isEmpty()) {
      return new SubscriptionDefaults(Optional.of(new SubscriptionSettings(DEFAULT_PUBLISHING, DEFAULT_KEEP_ALIVE, 3 * (DEFAULT_KEEP_ALIVE + 1), DEFAULT_ITEMS_PER_CALL)),
          DEFAULT_PUBLISHING, 10, new Deadband.None());
    }
    Fields f = section.get();
    Duration publishing = f.duration("publishingInterval", DEFAULT_PUBLISHING, Duration.ofMillis(10), Duration.ofHours(1));
    int keepAlive = f.integer("keepAliveCount", DEFAULT_KEEP_ALIVE, 1, 10_000);
    int stale = f.integer("staleIntervals", 3 * (keepAlive + 1), 2, 100_000);
    boolean valid = true;
    if (stale <= keepAlive) {
      f.error("staleIntervals", "must be more than keepAliveCount (" + keepAlive + "): a quiet but healthy subscription sends a keep-alive only every "
          + keepAlive + " publishing intervals");
      valid = false;
    }
    int perCall = f.integer("monitoredItemsPerCall", DEFAULT_ITEMS_PER_CALL, 1, 100_000);
    Duration sampling = f.duration("samplingInterval", publishing, Duration.ZERO, Duration.ofHours(1));
    int queue = f.integer("queueSize", 10, 1, 100_000);
    Optional<Deadband> deadband = deadband(f, new Deadband.None());
    return new SubscriptionDefaults(valid ? Optional.of(new SubscriptionSettings(publishing, keepAlive, stale, perCall)) : Optional.empty(),
        sampling, queue, deadband.orElse(new Deadband.None()));
  }

  private static Optional<Deadband> deadband(Fields f, Deadband dflt) {
    OptionalDouble absolute = f.number("deadband");
    OptionalDouble percent = f.number("deadbandPercent");
    if (absolute.isPresent() && percent.isPresent()) {
      f.error("deadbandPercent", "choose one: deadband (absolute, in engineering units) or deadbandPercent (of the node's EURange)");
      return Optional.empty();
    }
    if (absolute.isPresent()) {
      if (absolute.getAsDouble() < 0) {
        f.error("deadband", "must not be negative");
        return Optional.empty();
      }
      return Optional.of(absolute.getAsDouble() == 0 ? new Deadband.None() : new Deadband.Absolute(absolute.getAsDouble()));
    }
    if (percent.isPresent()) {
      if (percent.getAsDouble() < 0 || percent.getAsDouble() > 100) {
        f.error("deadbandPercent", "must be between 0 and 100");
        return Optional.empty();
      }
      return Optional.of(percent.getAsDouble() == 0 ? new Deadband.None() : new Deadband.Percent(percent.getAsDouble()));
    }
    return Optional.of(dflt);
  }

  // ---------------------------------------------------------------- channels

  private static Optional<NodePlan> node(ChannelConfig ch, AcquisitionMode mode, SubscriptionDefaults d) {
    Fields f = ch.fields();
    Optional<String> node = f.requiredString("node");
    Optional<ExpandedNodeId> id = node.flatMap(n -> parseNode(f, n));
    boolean itemKeys = f.has("samplingInterval") || f.has("queueSize") || f.has("deadband") || f.has("deadbandPercent");
    Duration sampling = f.duration("samplingInterval", d.sampling(), Duration.ZERO, Duration.ofHours(1));
    int queue = f.integer("queueSize", d.queueSize(), 1, 100_000);
    Optional<Deadband> deadband = deadband(f, d.deadband());
    if (itemKeys && mode == AcquisitionMode.POLL) {
      f.error("samplingInterval, queueSize and deadband only apply with mode: subscribe");
      return Optional.empty();
    }
    if (id.isEmpty() || deadband.isEmpty()) {
      return Optional.empty();
    }
    ChannelId channel = ch.spec().id();
    return Optional.of(new NodePlan(channel, node.get(), id.get(), sampling, queue, deadband.get()));
  }

  private static Optional<ExpandedNodeId> parseNode(Fields f, String text) {
    try {
      ExpandedNodeId id = ExpandedNodeId.parse(text.trim());
      if (!id.isLocal()) {
        f.error("node", "node ids on another server (svr=) are not supported");
        return Optional.empty();
      }
      return Optional.of(id);
    } catch (RuntimeException e) {
      f.error("node", "not an OPC UA node id: \"" + text + "\" (expected for example ns=2;s=Plant/Temp, ns=3;i=1001 or nsu=urn:vendor:plant;s=Temp)");
      return Optional.empty();
    }
  }
}
