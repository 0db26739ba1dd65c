package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.agent.cli.TimeArgument.Epoch;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The one reading of {@code --from}/{@code --to}: the buffer's in microseconds, the mirror's in milliseconds. */
class TimeArgumentTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00.123456Z");

  @Test
  void readsEachFormInTheUnitOfTheData() {
    Object[][] table = {
        {"2026-11-21T10:00:00Z", Epoch.MICROSECONDS, 1_795_255_200_000_000L},
        {"2026-11-21T10:00:00Z", Epoch.MILLISECONDS, 1_795_255_200_000L},
        {"2026-11-21T10:00:00.5Z", Epoch.MICROSECONDS, 1_795_255_200_500_000L},
        {" 1795255200000000 ", Epoch.MICROSECONDS, 1_795_255_200_000_000L},
        {"1795255200000", Epoch.MILLISECONDS, 1_795_255_200_000L},
        {"-5", Epoch.MILLISECONDS, -5L},
        {"9223372036854775807", Epoch.MICROSECONDS, Long.MAX_VALUE},
        {"now", Epoch.MICROSECONDS, 1_795_262_400_123_456L},
        {"NOW", Epoch.MILLISECONDS, 1_795_262_400_123L},
        {"-2h", Epoch.MILLISECONDS, 1_795_255_200_123L},
        {"now-2h", Epoch.MICROSECONDS, 1_795_255_200_123_456L},
        {"-1m30s", Epoch.MICROSECONDS, 1_795_262_310_123_456L}};
    for (Object[] row : table) {
      assertThat(TimeArgument.parse("--from", (String) row[0], NOW, (Epoch) row[1])).as("%s in %s", row[0], row[1]).isEqualTo(row[2]);
    }
  }

  @Test
  void anythingElseIsRefusedInWordsNamingTheOptionAndTheUnit() {
    Object[][] table = {
        {"yesterday", Epoch.MILLISECONDS, "epoch milliseconds"},
        {"2026-11-21 10:00", Epoch.MICROSECONDS, "epoch microseconds"},
        {"-2 hours", Epoch.MICROSECONDS, "epoch microseconds"},
        {"now-", Epoch.MILLISECONDS, "epoch milliseconds"},
        {"99999999999999999999", Epoch.MICROSECONDS, "epoch microseconds"},
        {"+1000000000-01-01T00:00:00Z", Epoch.MICROSECONDS, "epoch microseconds"}, // beyond a long of microseconds
        {"", Epoch.MILLISECONDS, "epoch milliseconds"}};
    for (Object[] row : table) {
      assertThatThrownBy(() -> TimeArgument.parse("--to", (String) row[0], NOW, (Epoch) row[1])).as((String) row[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("--to: expected an ISO-8601 time such as 2026-11-21T10:00:00Z, " + row[2] + ", now, or -2h; got \"" + row[0] + "\"");
    }
  }
}
