package io.ferry.uplink.mqtt;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HiveMQ CE embedded on a fixed loopback port that survives {@link #stop()}/{@link #start()}.
 * Every PUBLISH the broker receives is recorded (topic, payload) before it is acknowledged; while
 * {@link #hold} is set, PUBACKs are held back until {@link #releaseHeld()}.
 */
public final class Broker {
  public record Received(String topic, String payload) {}

  public final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  public final List<Async<PublishInboundOutput>> held = Collections.synchronizedList(new ArrayList<>());
  public volatile boolean hold;
  final int port;
  private final Path dir;
  private EmbeddedHiveMQ hive;

  public Broker(Path dir) throws IOException {
    this.dir = dir;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      this.port = s.getLocalPort();
    }
  }

  public String url() {
    return "tcp://127.0.0.1:" + port;
  }

  public void start() throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Path data = Files.createDirectories(dir.resolve("data"));
    Path extensions = Files.createDirectories(dir.resolve("extensions"));
    Files.writeString(conf.resolve("config.xml"), """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
          </listeners>
          <persistence><mode>in-memory</mode></persistence>
          <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
        </hivemq>
        """.formatted(port));
    EmbeddedExtension recorder = EmbeddedExtension.builder()
        .withId("ferry-test-recorder").withName("records publishes").withVersion("1").withAuthor("ferry")
        .withPriority(0).withStartPriority(1000)
        .withExtensionMain(new Recorder())
        .build();
    hive = EmbeddedHiveMQ.builder()
        .withConfigurationFolder(conf).withDataFolder(data).withExtensionsFolder(extensions)
        .withEmbeddedExtension(recorder)
        .build();
    hive.start().get(60, TimeUnit.SECONDS);
  }

  public void stop() throws Exception {
    releaseHeld();
    hive.stop().get(30, TimeUnit.SECONDS);
    hive.close();
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

  private final class Recorder implements ExtensionMain {
    @Override
    public void extensionStart(ExtensionStartInput in, ExtensionStartOutput out) {
      PublishInboundInterceptor interceptor = (input, output) -> {
        var packet = input.getPublishPacket();
        String payload = packet.getPayload().map(b -> StandardCharsets.UTF_8.decode(b.asReadOnlyBuffer()).toString()).orElse("");
        received.add(new Received(packet.getTopic(), payload));
        if (hold && !packet.getTopic().endsWith("/status")) {
          held.add(output.async(Duration.ofMinutes(1), TimeoutFallback.SUCCESS));
        }
      };
      Services.initializerRegistry().setClientInitializer((initializerInput, clientContext) ->
          clientContext.addPublishInboundInterceptor(interceptor));
    }

    @Override
    public void extensionStop(ExtensionStopInput in, ExtensionStopOutput out) {}
  }

  static String text(ByteBuffer b) {
    return StandardCharsets.UTF_8.decode(b.asReadOnlyBuffer()).toString();
  }
}
