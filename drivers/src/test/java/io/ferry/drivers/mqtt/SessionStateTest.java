package io.ferry.drivers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionStateTest {
  @TempDir Path state;

  @Test
  void aNewSessionSubscribesToEverything() {
    var d = SessionState.delta(false, Optional.of(Set.of("1 a/#")), List.of("a/#", "b/+"), 1);
    assertThat(d.subscribe()).containsExactly("a/#", "b/+");
    assertThat(d.unsubscribe()).isEmpty();
  }

  @Test
  void aResumedSessionSubscribesOnlyToNewFiltersSoRetainedMessagesAreNotResent() {
    var d = SessionState.delta(true, Optional.of(Set.of("1 a/#", "1 old/x")), List.of("a/#", "b/+"), 1);
    assertThat(d.subscribe()).containsExactly("b/+");
    assertThat(d.unsubscribe()).containsExactly("old/x");
  }

  @Test
  void aResumedSessionWithUnknownSubscriptionsSubscribesToEverything() {
    assertThat(SessionState.delta(true, Optional.empty(), List.of("a/#"), 1).subscribe()).containsExactly("a/#");
  }

  @Test
  void aChangedQosSubscribesAgain() {
    var d = SessionState.delta(true, Optional.of(Set.of("0 a/#")), List.of("a/#"), 1);
    assertThat(d.subscribe()).containsExactly("a/#");
    assertThat(d.unsubscribe()).isEmpty();
    assertThat(SessionState.delta(true, Optional.of(Set.of("1 a/#")), List.of("a/#"), 1).isEmpty()).isTrue();
  }

  @Test
  void theGeneratedClientIdIsKeptAcrossRuns() throws Exception {
    String first = SessionState.clientId(state, "boiler1", () -> "0a1b2c3d");
    String second = SessionState.clientId(state, "boiler1", () -> "ffffffff");
    assertThat(first).isEqualTo("ferry-boiler1-0a1b2c3d").isEqualTo(second);
  }

  @Test
  void storedSubscriptionsBelongToOneClientId() throws Exception {
    SessionState.storeSubscriptions(state, "c1", Set.of("1 a/#"));
    assertThat(SessionState.subscriptions(state, "c1")).contains(Set.of("1 a/#"));
    assertThat(SessionState.subscriptions(state, "c2")).isEmpty();
    assertThat(SessionState.subscriptions(state.resolve("nowhere"), "c1")).isEmpty();
  }
}
