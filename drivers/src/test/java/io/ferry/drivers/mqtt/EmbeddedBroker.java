package io.ferry.drivers.mqtt;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * HiveMQ CE embedded on loopback: a plain listener and, when given a key store, a TLS listener.
 * Anonymous clients are accepted; a client that sends a user name must send {@link #PASSWORD}.
 */
final class EmbeddedBroker {
  static final String USER = "ferry";
  static final String PASSWORD = "correct horse";

  final int port;
  final int tlsPort;
  private final EmbeddedHiveMQ hive;

  private EmbeddedBroker(int port, int tlsPort, EmbeddedHiveMQ hive) {
    this.port = port;
    this.tlsPort = tlsPort;
    this.hive = hive;
  }

  /** @param keyStore a JKS key store with the server key and chain, and its password */
  static EmbeddedBroker start(Path dir, Optional<Path> keyStore, String keyStorePassword) throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Path data = Files.createDirectories(dir.resolve("data"));
    Path extensions = Files.createDirectories(dir.resolve("extensions"));
    int port = freePort();
    int tlsPort = keyStore.isPresent() ? freePort() : -1;
    String tls = keyStore.map(ks -> """
            <tls-tcp-listener>
              <port>%d</port>
              <bind-address>127.0.0.1</bind-address>
              <tls>
                <keystore><path>%s</path><password>%s</password><private-key-password>%s</private-key-password></keystore>
                <protocols><protocol>TLSv1.3</protocol><protocol>TLSv1.2</protocol></protocols>
              </tls>
            </tls-tcp-listener>
        """.formatted(tlsPort, ks, keyStorePassword, keyStorePassword)).orElse("");
    Files.writeString(conf.resolve("config.xml"), """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
        %s
          </listeners>
          <persistence><mode>in-memory</mode></persistence>
          <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
        </hivemq>
        """.formatted(port, tls));
    EmbeddedExtension auth = EmbeddedExtension.builder()
        .withId("ferry-test-auth").withName("ferry test auth").withVersion("1").withAuthor("ferry")
        .withPriority(0).withStartPriority(1000)
        .withExtensionMain(new PasswordCheck())
        .build();
    EmbeddedHiveMQ hive = EmbeddedHiveMQ.builder()
        .withConfigurationFolder(conf).withDataFolder(data).withExtensionsFolder(extensions)
        .withEmbeddedExtension(auth)
        .build();
    hive.start().get(60, TimeUnit.SECONDS);
    return new EmbeddedBroker(port, tlsPort, hive);
  }

  String url() {
    return "tcp://127.0.0.1:" + port;
  }

  void stop() throws Exception {
    hive.stop().get(30, TimeUnit.SECONDS);
    hive.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Anonymous clients pass; named ones need the right password. */
  static final class PasswordCheck implements ExtensionMain {
    @Override
    public void extensionStart(ExtensionStartInput in, ExtensionStartOutput out) {
      Services.securityRegistry().setAuthenticatorProvider(providerInput -> (SimpleAuthenticator) (connect, result) -> {
        Optional<String> user = connect.getConnectPacket().getUserName();
        if (user.isEmpty()) {
          result.authenticateSuccessfully();
          return;
        }
        Optional<ByteBuffer> pw = connect.getConnectPacket().getPassword();
        String given = pw.map(b -> StandardCharsets.UTF_8.decode(b.asReadOnlyBuffer()).toString()).orElse("");
        if (user.get().equals(USER) && given.equals(PASSWORD)) {
          result.authenticateSuccessfully();
        } else {
          result.failAuthentication();
        }
      });
    }

    @Override
    public void extensionStop(ExtensionStopInput in, ExtensionStopOutput out) {}
  }
}
