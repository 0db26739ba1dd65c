package io.ferry.uplink.mqtt;

import io.ferry.config.Fields;
import io.ferry.config.Secret;
import io.ferry.config.TlsFiles;
import io.ferry.config.TlsSockets;
import io.ferry.http.Redact;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * Where and how an uplink connects to a broker: the keys every MQTT-based uplink shares
 * ({@code url}, {@code username}/{@code password}, {@code caFile}, {@code clientKeyStore}/
 * {@code clientKeyStorePassword}, {@code keepAlive}) and the Paho options made from them. The
 * {@code mqtt} and {@code sparkplug} uplinks both read their connection through this record, so
 * TLS (always verified) and credentials behave the same in both.
 *
 * @param brokerUrl {@code tcp://host:1883} or {@code ssl://host:8883}
 * @param caFile CA certificates (PEM) the broker's certificate must chain to; JVM trust store when empty
 * @param clientKeyStore PKCS#12 file with the client certificate and key, for brokers that require one
 */
public record MqttEndpoint(
    String brokerUrl,
    Optional<String> username,
    Optional<Secret> password,
    Optional<Path> caFile,
    Optional<Path> clientKeyStore,
    Optional<Secret> clientKeyStorePassword,
    Duration keepAlive) {

  /** Reads the connection keys, reporting problems in {@code f}; empty when {@code url} is missing or malformed. */
  public static Optional<MqttEndpoint> read(Fields f) {
    Optional<String> url = f.requiredString("url");
    if (url.isPresent() && !url.get().matches("(tcp|ssl)://[^/\\s]+:\\d+")) {
      f.error("url", "expected tcp://host:port or ssl://host:port, got \"" + url.get() + "\"");
      url = Optional.empty();
    }
    Optional<String> username = f.string("username");
    Optional<Secret> password = Redact.plausible(f, "password", f.secret("password"));
    if (password.isPresent() && username.isEmpty()) {
      f.error("password", "needs a username");
    }
    // Read and parsed as run will use them (capped, certificates parse, the key store opens): check says what run would.
    Optional<Path> caFile = TlsFiles.checkCaFile(f, "caFile");
    Optional<Secret> keyStorePassword = Redact.plausible(f, "clientKeyStorePassword", f.secret("clientKeyStorePassword"));
    // Opened with the password run will use (none: an empty one); a password that did not resolve is its own error.
    Optional<char[]> opener = f.has("clientKeyStorePassword")
        ? keyStorePassword.map(p -> p.reveal().toCharArray()) : Optional.of(new char[0]);
    Optional<Path> keyStore = TlsFiles.checkClientKey(f, "clientKeyStore", opener, f.path("clientKeyStorePassword"), Optional.empty());
    boolean tls = url.map(u -> u.startsWith("ssl://")).orElse(false);
    if (!tls && url.isPresent() && (caFile.isPresent() || keyStore.isPresent())) {
      f.error("url", "caFile and clientKeyStore need an ssl:// url");
    }
    Duration keepAlive = f.duration("keepAlive", Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofHours(1));
    return url.map(u -> new MqttEndpoint(u, username, password, caFile, keyStore, keyStorePassword, keepAlive));
  }


  public boolean tls() {
    return brokerUrl.startsWith("ssl://");
  }

  /**
   * Paho options for this endpoint: credentials, keep-alive, connect timeout, TLS (or
   * {@code plainSockets}), host name verification, no automatic reconnect (reconnects follow the
   * engine's backoff). The caller sets the session kind, the will and the in-flight window.
   */
  public MqttConnectOptions options(SocketFactory plainSockets, Duration connectTimeout) throws GeneralSecurityException, IOException {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setAutomaticReconnect(false);
    o.setKeepAliveInterval((int) Math.max(1, keepAlive.toSeconds()));
    o.setConnectionTimeout((int) Math.max(1, connectTimeout.toSeconds()));
    o.setHttpsHostnameVerificationEnabled(true);
    username.ifPresent(o::setUserName);
    password.ifPresent(p -> o.setPassword(p.reveal().toCharArray()));
    if (tls()) {
      o.setSocketFactory(TlsSockets.socketFactory(caFile, clientKeyStore,
          clientKeyStorePassword.map(p -> p.reveal().toCharArray()).orElse(new char[0])));
    } else {
      o.setSocketFactory(plainSockets);
    }
    return o;
  }

  /** {@code tcp://host:1883}, TLS and user facts for {@code ferry plan}; never a secret. */
  public String describe() {
    return brokerUrl + (tls() ? ", TLS" + caFile.map(c -> " with CA " + c).orElse(" with the JVM trust store")
        + clientKeyStore.map(k -> ", client certificate " + k).orElse("") : "")
        + username.map(u -> ", user " + u + password.map(p -> " password " + p.source()).orElse("")).orElse("");
  }

  /** True when the broker refused the credentials (a pause like a 401, not a retry). */
  public static boolean refused(MqttException e) {
    return e.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
        || e.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED;
  }

  /** Paho's message and reason code; its texts never contain the password (sent only in CONNECT). */
  public static String describe(Exception e) {
    return e instanceof MqttException me ? me.getMessage() + " (reason " + me.getReasonCode() + ")"
        + (me.getCause() != null && me.getCause().getMessage() != null ? ": " + me.getCause().getMessage() : "") : e.getMessage();
  }
}
