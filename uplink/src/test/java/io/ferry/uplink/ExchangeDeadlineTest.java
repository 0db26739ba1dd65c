package io.ferry.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.Backoff;
import io.ferry.core.Sleeper;
import io.ferry.core.testing.FakeClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

/**
 * The deadline an {@link Exchange} gives the work in progress, which the watchdog judges a step
 * by: a call is due back by its start plus the uplink's {@code timeout}, a pacing wait by its end,
 * a handler's own call by what it declares; once a call returned, what follows is due at once.
 */
class ExchangeDeadlineTest {
  static final Instant START = UplinkTesting.START;
  static final Duration TIMEOUT = Duration.ofMinutes(5);
  static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

  final FakeClock clock = new FakeClock(START);
  final List<Optional<Instant>> seenWhilePacing = new CopyOnWriteArrayList<>();
  final List<Optional<Instant>> seenDuringCall = new CopyOnWriteArrayList<>();
  Exchange exchange;

  @Test
  void callsAreDueByTheirTimeoutPacingByItsEndAndWhatFollowsAtOnce() throws Exception {
    Sleeper sleeper = d -> {
      seenWhilePacing.add(exchange.dueBy());
      clock.advance(d);
    };
    RunnerSettings settings = new RunnerSettings(100, MIN_INTERVAL, Backoff.of(Duration.ofSeconds(1), Duration.ofMinutes(1)),
        Duration.ofMinutes(11), Duration.ofMillis(500), Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), TIMEOUT);
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          seenDuringCall.add(exchange.dueBy()); // the call is still in flight while the server answers
          return new MockResponse.Builder().code(200).body("{}").build();
        }
      });
      server.start(InetAddress.getLoopbackAddress(), 0);
      exchange = new Exchange(new OkHttpClient(), settings, clock, sleeper);
      Request request = new Request.Builder().url(server.url("/")).build();
      assertThat(exchange.dueBy()).isEmpty();

      exchange.send(request);
      assertThat(seenDuringCall).containsExactly(Optional.of(START.plus(TIMEOUT)));
      assertThat(exchange.dueBy()).contains(START); // returned: what follows has only the watchdog's margin

      clock.advance(Duration.ofSeconds(10));
      exchange.send(request); // paced: 50 s to wait, then the call
      assertThat(seenWhilePacing).containsExactly(Optional.of(START.plus(MIN_INTERVAL)));
      assertThat(seenDuringCall).last().isEqualTo(Optional.of(START.plus(MIN_INTERVAL).plus(TIMEOUT)));
      assertThat(exchange.dueBy()).contains(START.plus(MIN_INTERVAL));

      exchange.dueWithin(Duration.ofMinutes(7)); // a handler's own call (MQTT) declares its budget
      assertThat(exchange.dueBy()).contains(START.plus(MIN_INTERVAL).plusSeconds(7 * 60));
    }
  }
}
