package io.ferry.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Idle uplink runners wake on the next append and never miss one that raced with their empty lease. */
class AppendSignalTest {
  private static final Duration LONG = Duration.ofHours(1);

  @Test
  void anIdleWaitEndsWhenSamplesAreAppended() throws Exception {
    AppendSignal signal = new AppendSignal();
    CountDownLatch primed = new CountDownLatch(1);
    CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
      try {
        signal.idle(LONG); // the first wait of a runner returns at once: it has seen nothing yet
        primed.countDown();
        signal.idle(LONG);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    primed.await();
    assertThat(waiter).isNotDone();
    signal.appended();
    await().until(waiter::isDone);
    assertThat(waiter).isCompleted();
  }

  @Test
  void anAppendBetweenTwoWaitsIsNotMissed() throws Exception {
    AppendSignal signal = new AppendSignal();
    CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
      try {
        signal.idle(LONG);
        signal.appended(); // committed while the runner leased (and found nothing yet)
        signal.idle(LONG); // must not sleep for an hour
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    await().until(waiter::isDone);
    assertThat(waiter).isCompleted();
  }

  @Test
  void stoppingARunnerInterruptsItsIdleWait() throws Exception {
    AppendSignal signal = new AppendSignal();
    CountDownLatch primed = new CountDownLatch(1);
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    Thread runner = new Thread(() -> {
      try {
        signal.idle(LONG);
        primed.countDown();
        signal.idle(LONG);
        interrupted.complete(false);
      } catch (InterruptedException e) {
        interrupted.complete(true);
      }
    });
    runner.start();
    primed.await();
    runner.interrupt();
    assertThat(interrupted.get()).isTrue();
  }
}
