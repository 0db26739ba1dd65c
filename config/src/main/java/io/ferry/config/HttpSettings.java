package io.ferry.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;

/**
 * agent.yaml's {@code http:} section: the local read-only status server.
 *
 * @param host the address to bind, as written ({@code 127.0.0.1}, {@code ::1}, {@code 0.0.0.0})
 * @param port the port; 0 picks a free one (tests, {@code ferry demo})
 * @param allowRemote the operator's explicit consent to bind beyond loopback
 * @param token a bearer token every request must carry; required when {@code allowRemote}
 * @param instrumentFailures the default staleness limit of a polled instrument is this many poll intervals plus its
 *     poll timeout ({@link InstrumentInfo#staleLimit}; an instrument's {@code stale:} overrides it)
 * @param uplinkStall an uplink is unhealthy when its oldest unsent record and its last success are both older than this
 * @param uplinkOutcomeUnknown an uplink is unhealthy for this long after a record whose outcome is unknown (a
 *     TempoDB increment not sent again after an ambiguous failure); zero: never
 * @param writeApi {@code writeApi: true}: {@code POST /api/write} is served (off by default; needs the token even on loopback)
 */
public record HttpSettings(
    String host, int port, boolean allowRemote, Optional<Secret> token, int instrumentFailures, Duration uplinkStall,
    Duration uplinkOutcomeUnknown, boolean writeApi) {

  public static final int DEFAULT_INSTRUMENT_FAILURES = InstrumentInfo.DEFAULT_STALE_POLLS;
  public static final Duration DEFAULT_UPLINK_STALL = Duration.ofMinutes(10);
  public static final Duration DEFAULT_UPLINK_OUTCOME_UNKNOWN = Duration.ofMinutes(10);

  /** Without the write API. */
  public HttpSettings(String host, int port, boolean allowRemote, Optional<Secret> token, int instrumentFailures, Duration uplinkStall,
      Duration uplinkOutcomeUnknown) {
    this(host, port, allowRemote, token, instrumentFailures, uplinkStall, uplinkOutcomeUnknown, false);
  }

  /** The settings with the default {@code uplinkOutcomeUnknown}. */
  public HttpSettings(String host, int port, boolean allowRemote, Optional<Secret> token, int instrumentFailures,
      Duration uplinkStall) {
    this(host, port, allowRemote, token, instrumentFailures, uplinkStall, DEFAULT_UPLINK_OUTCOME_UNKNOWN);
  }

  /** Loopback on a free port, no token: what {@code ferry demo} serves. */
  public static HttpSettings loopbackAnyPort() {
    return new HttpSettings("127.0.0.1", 0, false, Optional.empty(), DEFAULT_INSTRUMENT_FAILURES, DEFAULT_UPLINK_STALL);
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(host, port);
  }

  /** True when {@code host} is a loopback address (127.0.0.0/8, ::1, localhost). */
  public static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Reads and checks the section; problems go to {@code f}. Empty when {@code listen} is invalid. */
  static Optional<HttpSettings> read(Fields f) {
    Optional<String> listen = f.requiredString("listen");
    boolean allowRemote = f.bool("allowRemote", false);
    boolean tokenGiven = f.has("token");
    Optional<Secret> token = f.secret("token");
    if (token.isPresent() && token.get().reveal().isBlank()) {
      f.error("token", "the secret " + token.get().source() + " is empty");
      return Optional.empty();
    }
    token = Secret.plausible(f, "token", token);
    int failures = f.integer("instrumentFailures", DEFAULT_INSTRUMENT_FAILURES, 1, 1_000_000);
    Duration stall = f.duration("uplinkStall", DEFAULT_UPLINK_STALL, Duration.ofSeconds(1), Duration.ofDays(30));
    Duration unknown = f.duration("uplinkOutcomeUnknown", DEFAULT_UPLINK_OUTCOME_UNKNOWN, Duration.ZERO, Duration.ofDays(30));
    boolean writeApi = f.bool("writeApi", false);
    if (listen.isEmpty()) {
      return Optional.empty();
    }
    String text = listen.get().trim();
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      f.error("listen", "expected HOST:PORT, for example 127.0.0.1:9108, got \"" + text + "\"");
      return Optional.empty();
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65_535) {
      f.error("listen", "the port must be a number from 0 to 65535, got \"" + text.substring(colon + 1) + "\"");
      return Optional.empty();
    }
    Optional<String> notAnAddress = ListenAddress.problem(host);
    if (notAnAddress.isPresent()) {
      f.error("listen", notAnAddress.get());
      return Optional.empty();
    }
    boolean loopback = isLoopback(host);
    if (!loopback && !allowRemote) {
      f.error("listen", host + " is not a loopback address: the status server is reachable from the network there; "
          + "set allowRemote: true and a token (${env:NAME} or ${file:PATH}) to allow it");
      return Optional.empty();
    }
    if (tokenGiven && token.isEmpty()) {
      return Optional.empty(); // the token's own error says why
    }
    if (!loopback && token.isEmpty()) {
      f.error("token", "required when listening beyond loopback (allowRemote: true): a bearer token from ${env:NAME} or ${file:PATH}");
      return Optional.empty();
    }
    if (writeApi && token.isEmpty()) {
      f.error("writeApi", "the write API needs a token, even on loopback: set token: ${env:NAME} or ${file:PATH}");
      return Optional.empty();
    }
    return Optional.of(new HttpSettings(host, port, allowRemote, token, failures, stall, unknown, writeApi));
  }
}
