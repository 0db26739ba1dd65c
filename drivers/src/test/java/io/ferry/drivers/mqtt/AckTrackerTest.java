package io.ferry.drivers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AckTrackerTest {
  private final AckTracker tracker = new AckTracker();
  private final List<Integer> acked = new ArrayList<>();

  private void complete(AckTracker.Ticket t) {
    tracker.complete(t, x -> acked.add(x.messageId));
  }

  @Test
  void acknowledgesInArrivalOrderEvenWhenStoredOutOfOrder() {
    var a = tracker.register(1, 1);
    var b = tracker.register(2, 1);
    var c = tracker.register(3, 1);
    complete(c);
    complete(b);
    assertThat(acked).as("nothing before message 1 is stored").isEmpty();
    assertThat(tracker.pending()).isEqualTo(3);
    complete(a);
    assertThat(acked).containsExactly(1, 2, 3);
    assertThat(tracker.pending()).isZero();
  }

  @Test
  void aNeverCompletedMessageHoldsBackTheOnesAfterIt() {
    tracker.register(1, 1);
    var b = tracker.register(2, 1);
    complete(b);
    assertThat(acked).isEmpty();
  }

  @Test
  void afterShutNothingIsAcknowledged() {
    var a = tracker.register(7, 1);
    tracker.shut();
    complete(a);
    assertThat(acked).isEmpty();
    assertThat(tracker.isOpen()).isFalse();
  }

  @Test
  void awaitRoomReportsWhetherThereIsRoom() throws Exception {
    var a = tracker.register(1, 1);
    tracker.register(2, 1);
    assertThat(tracker.awaitRoom(3, 1)).isTrue();
    assertThat(tracker.awaitRoom(2, 1)).isFalse();
    complete(a);
    assertThat(tracker.awaitRoom(2, 1)).isTrue();
  }
}
