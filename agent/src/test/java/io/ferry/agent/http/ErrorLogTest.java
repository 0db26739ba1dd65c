package io.ferry.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorLogTest {
  @Test
  void aFailureRepeatingWithOtherNumbersIsOneEntryAndANewCauseIsAnother() {
    ErrorLog log = new ErrorLog(10);
    log.note("instrument sim", "simulated failure of sim (failEvery: 2, poll 2)", 1);
    log.note("instrument sim", "simulated failure of sim (failEvery: 2, poll 4)", 2);
    log.note("instrument opc", "opc: not connected (next attempt at 2026-12-07T21:33:28.006Z)", 3);
    log.note("instrument opc", "opc: not connected (next attempt at 2026-12-07T21:33:30.114Z)", 4);
    log.note("instrument opc", "opc: connection refused", 5);
    log.note("instrument sim", "", 6);
    log.note("instrument sim", "simulated failure of sim (failEvery: 2, poll 8)", 7);

    assertThat(log.entries()).extracting(ErrorLog.Entry::millis).containsExactly(7L, 5L, 3L, 1L);
    assertThat(log.entries().get(3).message()).isEqualTo("simulated failure of sim (failEvery: 2, poll 2)");
  }
}
