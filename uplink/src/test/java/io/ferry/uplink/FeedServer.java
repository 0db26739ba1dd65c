package io.ferry.uplink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.zip.GZIPInputStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A GroveStreams-like store behind MockWebServer: applies every feed PUT it receives (keyed by
 * component/stream/time, so a resend overwrites), then answers with what the script says.
 */
public final class FeedServer extends Dispatcher {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One received request: when (fake clock), its JSON body (gunzipped), and the raw request. */
  public record Received(Instant at, JsonNode body, RecordedRequest request) {}

  public final Map<String, TreeMap<Long, JsonNode>> store = new ConcurrentHashMap<>();
  /** Per stream, times in the order they were first stored. */
  public final Map<String, List<Long>> firstArrivals = new ConcurrentHashMap<>();
  public final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private final InstantSource clock;
  private final BiFunction<Integer, JsonNode, MockResponse> script;
  public volatile boolean apply = true;

  /** {@code script}: request number (0-based) and body to the answer; null = stored. */
  public FeedServer(InstantSource clock, BiFunction<Integer, JsonNode, MockResponse> script) {
    this.clock = clock;
    this.script = script;
  }

  public static MockResponse ok() {
    return new MockResponse.Builder().code(200).body("{\"message\":\"\",\"success\":true}").build();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    JsonNode body;
    try {
      body = JSON.readTree(bodyText(request));
    } catch (IOException e) {
      return new MockResponse.Builder().code(400).body("bad json").build();
    }
    int n;
    synchronized (received) {
      n = received.size();
      received.add(new Received(clock.instant(), body, request));
    }
    MockResponse answer = script.apply(n, body);
    if (answer == null) {
      answer = ok();
    }
    if (answer.getCode() / 100 == 2 && apply) {
      applyFeed(body);
    }
    return answer;
  }

  /** Stores every stream's (time, value) pairs, except the streams in {@link #skipped}. */
  void applyFeed(JsonNode body) {
    for (JsonNode c : body.path("feed").path("component")) {
      String comp = c.path("componentId").asText();
      for (JsonNode s : c.path("stream")) {
        String key = comp + "/" + s.path("streamId").asText();
        if (skipped.contains(key)) {
          continue;
        }
        JsonNode times = s.path("time");
        JsonNode data = s.path("data");
        TreeMap<Long, JsonNode> series = store.computeIfAbsent(key, k -> new TreeMap<>());
        for (int i = 0; i < times.size(); i++) {
          if (series.put(times.get(i).asLong(), data.get(i)) == null) {
            firstArrivals.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(times.get(i).asLong());
          }
        }
      }
    }
  }

  /** Streams the server pretends do not exist (their data is not stored). */
  public final java.util.Set<String> skipped = ConcurrentHashMap.newKeySet();

  public static String bodyText(RecordedRequest r) throws IOException {
    byte[] bytes = r.getBody() == null ? new byte[0] : r.getBody().toByteArray();
    if ("gzip".equals(r.getHeaders().get("Content-Encoding"))) {
      try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
        bytes = in.readAllBytes();
      }
    }
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  public int streamCount(JsonNode body) {
    int n = 0;
    for (JsonNode c : body.path("feed").path("component")) {
      n += c.path("stream").size();
    }
    return n;
  }
}
