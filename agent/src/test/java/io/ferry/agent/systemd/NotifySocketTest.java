package io.ferry.agent.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifySocketTest {
  @TempDir Path dir;

  @Test
  void sendsToAFileSocket() {
    String path = dir.resolve("notify").toString();
    try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(path);
        NotifySocket socket = NotifySocket.open(path)) {
      socket.send("READY=1\nSTATUS=ok");
      assertThat(await().atMost(Duration.ofSeconds(5)).until(systemd::poll, Optional::isPresent)).contains("READY=1\nSTATUS=ok");
    }
  }

  @Test
  void sendsToAnAbstractSocketAsSystemdNamesIt() {
    String path = "@ferry-test-" + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
    try (UnixDatagramReceiver systemd = new UnixDatagramReceiver(path)) {
      Notifier n = NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", path));
      assertThat(n).isInstanceOf(NotifySocket.class);
      n.send("WATCHDOG=1");
      assertThat(await().atMost(Duration.ofSeconds(5)).until(systemd::poll, Optional::isPresent)).contains("WATCHDOG=1");
      ((NotifySocket) n).close();
    }
  }

  @Test
  void noSocketMeansNoNotificationAndAMissingListenerIsNotAnError() {
    assertThat(NotifySocket.fromEnvironment(Map.of())).isSameAs(Notifier.NONE);
    assertThat(NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", "relative/path"))).isSameAs(Notifier.NONE);
    try (NotifySocket nobody = NotifySocket.open(dir.resolve("nobody-listens").toString())) {
      nobody.send("READY=1"); // ECONNREFUSED/ENOENT is logged, never thrown
    }
  }

  @Test
  void addressesAreLaidOutAsSockaddrUn() {
    UnixAddress file = UnixAddress.of("/run/systemd/notify");
    assertThat(file.length()).isEqualTo(2 + "/run/systemd/notify".length() + 1);
    assertThat(new String(file.bytes(), 2, file.length() - 3, StandardCharsets.UTF_8)).isEqualTo("/run/systemd/notify");
    assertThat(file.bytes()[file.length() - 1]).isZero();

    UnixAddress abs = UnixAddress.of("@notify/123");
    assertThat(abs.length()).isEqualTo(2 + "@notify/123".length());
    assertThat(abs.bytes()[2]).isZero();
    assertThat(new String(abs.bytes(), 3, abs.length() - 3, StandardCharsets.UTF_8)).isEqualTo("notify/123");

    assertThatThrownBy(() -> UnixAddress.of("/" + "x".repeat(107))).hasMessageContaining("longer than 108 bytes");
    assertThatThrownBy(() -> UnixAddress.of("notify")).hasMessageContaining("neither absolute nor abstract");
  }

  @Test
  void theWatchdogPeriodIsReadOnlyWhenMeantForThisProcess() {
    assertThat(NotifySocket.watchdog(Map.of("WATCHDOG_USEC", "60000000"), 42)).contains(Duration.ofSeconds(60));
    assertThat(NotifySocket.watchdog(Map.of("WATCHDOG_USEC", "60000000", "WATCHDOG_PID", "42"), 42)).contains(Duration.ofSeconds(60));
    assertThat(NotifySocket.watchdog(Map.of("WATCHDOG_USEC", "60000000", "WATCHDOG_PID", "7"), 42)).isEmpty();
    assertThat(NotifySocket.watchdog(Map.of("WATCHDOG_USEC", "soon"), 42)).isEmpty();
    assertThat(NotifySocket.watchdog(Map.of(), 42)).isEmpty();
  }

  @Test
  void theBeatIsHalfTheWatchdogWhenThatIsShorterThanTheStatusRefresh() {
    assertThat(new ServiceNotifier(Notifier.NONE, () -> "", java.util.List::of, Optional.of(Duration.ofSeconds(4))).period())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(new ServiceNotifier(Notifier.NONE, () -> "", java.util.List::of, Optional.of(Duration.ofSeconds(60))).period())
        .isEqualTo(ServiceNotifier.STATUS_EVERY);
    assertThat(new ServiceNotifier(Notifier.NONE, () -> "", java.util.List::of, Optional.empty()).period())
        .isEqualTo(ServiceNotifier.STATUS_EVERY);
  }
}
