package io.ferry.testsupport.mqtt;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * HiveMQ CE embedded on loopback: the one MQTT broker of Ferry's tests and benchmarks. Its ports are
 * chosen once, so they survive {@link #stop()}/{@link #start()} (a broker restart on the same address).
 *
 * <p>A test broker ({@link #Broker(Path)}, {@link #withTls}) records every PUBLISH it receives
 * (topic, payload) before acknowledging it, holds PUBACKs back while {@link #hold} is set (until
 * {@link #releaseHeld()}), accepts anonymous clients and requires {@link #PASSWORD} from a client
 * that sends a user name. A {@link #plain} broker has none of that: it is a broker as in production,
 * for the benchmarks (recording every message would grow without bound and cost broker CPU).
 *
 * <p>{@link #perTest()} is the usual fixture: {@code @RegisterExtension final Broker broker = Broker.perTest();}
 * starts it before each test and stops it after the test's own {@code @AfterEach} methods (so the
 * clients a test opened close first), in a temporary directory of its own.
 */
public final class Broker implements BeforeEachCallback, AfterEachCallback {
  public static final String USER = "ferry";
  public static final String PASSWORD = "correct horse";

  public record Received(String topic, String payload) {}

  /** The key store of a TLS listener: a JKS store with the server key and chain, and its password. */
  private record Tls(int port, Path keyStore, String password) {}

  public final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  public final List<Async<PublishInboundOutput>> held = Collections.synchronizedList(new ArrayList<>());
  public volatile boolean hold;
  private final Path dir;
  private final int port;
  private final Optional<Tls> tls;
  private final boolean testExtensions;
  private boolean ownsDir;
  private EmbeddedHiveMQ hive;

  private Broker(Path dir, int port, Optional<Tls> tls, boolean testExtensions) {
    this.dir = dir;
    this.port = port;
    this.tls = tls;
    this.testExtensions = testExtensions;
  }

  /** A test broker for {@code @RegisterExtension}, in a temporary directory it deletes after the test. */
  public static Broker perTest() {
    try {
      Broker broker = new Broker(Files.createTempDirectory("ferry-broker"));
      broker.ownsDir = true;
      return broker;
    } catch (IOException e) {
      // A field initializer may not throw a checked exception.
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    stop();
    if (ownsDir) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** A test broker on a free loopback port, plain TCP; not started. */
  public Broker(Path dir) throws IOException {
    this(dir, freePort(), Optional.empty(), true);
  }

  /** A test broker with a plain and a TLS listener (TLS 1.3 and 1.2) on free loopback ports; not started. */
  public static Broker withTls(Path dir, Path keyStore, String keyStorePassword) throws IOException {
    return new Broker(dir, freePort(), Optional.of(new Tls(freePort(), keyStore, keyStorePassword)), true);
  }

  /** A broker without the test extensions on 127.0.0.1:{@code port}; not started. */
  public static Broker plain(Path dir, int port) {
    return new Broker(dir, port, Optional.empty(), false);
  }

  public int port() {
    return port;
  }

  /** The TLS listener's port; -1 without one. */
  public int tlsPort() {
    return tls.map(Tls::port).orElse(-1);
  }

  public String url() {
    return "tcp://127.0.0.1:" + port;
  }

  public void start() throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Path data = Files.createDirectories(dir.resolve("data"));
    Path extensions = Files.createDirectories(dir.resolve("extensions"));
    String tlsListener = tls.map(t -> """
            <tls-tcp-listener>
              <port>%d</port>
              <bind-address>127.0.0.1</bind-address>
              <tls>
                <keystore><path>%s</path><password>%s</password><private-key-password>%s</private-key-password></keystore>
                <protocols><protocol>TLSv1.3</protocol><protocol>TLSv1.2</protocol></protocols>
              </tls>
            </tls-tcp-listener>
        """.formatted(t.port(), t.keyStore(), t.password(), t.password())).orElse("");
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
        """.formatted(port, tlsListener));
    var builder = EmbeddedHiveMQ.builder()
        .withConfigurationFolder(conf).withDataFolder(data).withExtensionsFolder(extensions);
    if (testExtensions) {
      builder.withEmbeddedExtension(EmbeddedExtension.builder()
          .withId("ferry-test-broker").withName("ferry test broker").withVersion("1").withAuthor("ferry")
          .withPriority(0).withStartPriority(1000)
          .withExtensionMain(new TestExtension())
          .build());
    }
    hive = builder.build();
    // Generous: a loaded build machine starts HiveMQ slowly.
    hive.start().get(120, TimeUnit.SECONDS);
  }

  /** Stops a started broker; does nothing when it is stopped already (a test that stopped it and failed before restarting). */
  public void stop() throws Exception {
    releaseHeld();
    if (hive == null) {
      return;
    }
    hive.stop().get(30, TimeUnit.SECONDS);
    hive.close();
    hive = null;
  }

  public void releaseHeld() {
    hold = false;
    synchronized (held) {
      held.forEach(Async::resume);
      held.clear();
    }
  }

  /** Payloads received on topics other than the status topic. */
  public List<String> data(String statusTopic) {
    synchronized (received) {
      return received.stream().filter(r -> !r.topic().equals(statusTopic)).map(Received::payload).toList();
    }
  }

  /**
   * Whether client {@code clientId} holds a subscription to {@code filter} now, from the broker's
   * own subscription store: a message published after this is true reaches that client.
   */
  public boolean subscribed(String clientId, String filter) {
    try {
      return Services.subscriptionStore().getSubscriptions(clientId).get(5, TimeUnit.SECONDS).stream()
          .anyMatch(s -> s.getTopicFilter().equals(filter));
    } catch (Exception e) {
      return false; // not started, client unknown yet: not subscribed
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String text(ByteBuffer b) {
    return StandardCharsets.UTF_8.decode(b.asReadOnlyBuffer()).toString();
  }

  /** Records publishes (holding PUBACKs while asked to) and checks passwords. */
  private final class TestExtension implements ExtensionMain {
    @Override
    public void extensionStart(ExtensionStartInput in, ExtensionStartOutput out) {
      PublishInboundInterceptor interceptor = (input, output) -> {
        var packet = input.getPublishPacket();
        received.add(new Received(packet.getTopic(), packet.getPayload().map(Broker::text).orElse("")));
        if (hold && !packet.getTopic().endsWith("/status")) {
          held.add(output.async(Duration.ofMinutes(1), TimeoutFallback.SUCCESS));
        }
      };
      Services.initializerRegistry().setClientInitializer((initializerInput, clientContext) ->
          clientContext.addPublishInboundInterceptor(interceptor));
      // Anonymous clients pass; named ones need the right password.
      Services.securityRegistry().setAuthenticatorProvider(providerInput -> (SimpleAuthenticator) (connect, result) -> {
        Optional<String> user = connect.getConnectPacket().getUserName();
        if (user.isEmpty()) {
          result.authenticateSuccessfully();
          return;
        }
        String given = connect.getConnectPacket().getPassword().map(Broker::text).orElse("");
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
