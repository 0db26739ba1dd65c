package io.ferry.drivers.opcua;

import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.ferry.drivers.spi.StillConnectingException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A polling driver connects on its own thread from the moment it opens; polls before that are
 * skipped as "connecting". Tests that check what a poll reads wait for the connection first, and
 * tests of a refused connection wait for the first poll that reports it.
 */
final class Connecting {
  /** Generous: a secure handshake on a loaded build machine; not a timing assertion. */
  static final Duration LIMIT = Duration.ofSeconds(60);

  private Connecting() {}

  static OpcUaPollingDriver awaitConnected(OpcUaPollingDriver driver) {
    await().atMost(LIMIT).until(driver::isConnected);
    return driver;
  }

  /** The first poll outcome that is not "still connecting": the connection's failure. */
  static Throwable awaitFailure(OpcUaPollingDriver driver) {
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    await().atMost(LIMIT).pollInterval(Duration.ofMillis(50)).until(() -> {
      outcome.set(catchThrowable(driver::poll));
      return !(outcome.get() instanceof StillConnectingException);
    });
    return outcome.get();
  }
}
