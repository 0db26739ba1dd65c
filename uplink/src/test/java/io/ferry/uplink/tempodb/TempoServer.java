package io.ferry.uplink.tempodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A TempoDB-like store behind MockWebServer: applies increments (adding) and writes (upserting)
 * the way the API describes, then answers what the script says. On a 207 answer only the points
 * whose multistatus entry is 2xx are applied; on any other 2xx every point is applied (also when
 * the script then cuts the connection: the server applied it, the client does not know).
 */
public final class TempoServer extends Dispatcher {
  static final ObjectMapper JSON = new ObjectMapper();

  public record Received(String path, String body, RecordedRequest request) {}

  /** series key to time to value. */
  public final Map<String, TreeMap<String, Double>> store = new ConcurrentHashMap<>();
  public final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private final BiFunction<Integer, String, MockResponse> script;

  /** {@code script}: request number (0-based) and body to the answer; null = 200 with an empty body. */
  public TempoServer(BiFunction<Integer, String, MockResponse> script) {
    this.script = script;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String body = request.getBody() == null ? "" : request.getBody().utf8();
    int n;
    synchronized (received) {
      n = received.size();
      received.add(new Received(request.getUrl().encodedPath(), body, request));
    }
    MockResponse answer = script.apply(n, body);
    if (answer == null) {
      answer = new MockResponse.Builder().code(200).build();
    }
    if (answer.getCode() / 100 == 2) {
      try {
        apply(request.getUrl().encodedPath(), JSON.readTree(body), answer);
      } catch (IOException e) {
        return new MockResponse.Builder().code(400).body("bad json").build();
      }
    }
    return answer;
  }

  private void apply(String path, JsonNode body, MockResponse answer) throws IOException {
    boolean increment = path.endsWith("/increment/");
    List<String[]> points = new ArrayList<>(); // key, t, v
    if (body.isObject()) {
      for (JsonNode d : body.path("data")) {
        points.add(new String[] {d.path("key").asText(), body.path("t").asText(), d.path("v").asText()});
      }
    } else {
      for (JsonNode d : body) {
        points.add(new String[] {d.path("key").asText(), d.path("t").asText(), d.path("v").asText()});
      }
    }
    JsonNode statuses = null;
    if (answer.getCode() == 207) {
      okio.Buffer b = new okio.Buffer();
      answer.getBody().writeTo(b);
      statuses = JSON.readTree(b.readUtf8()).path("multistatus");
    }
    for (int i = 0; i < points.size(); i++) {
      if (statuses != null && statuses.get(i).path("status").asInt() / 100 != 2) {
        continue;
      }
      String[] p = points.get(i);
      TreeMap<String, Double> series = store.computeIfAbsent(p[0], k -> new TreeMap<>());
      double v = Double.parseDouble(p[2]);
      series.merge(p[1], v, increment ? Double::sum : (a, b) -> b);
    }
  }

  /** Sum of a series over all times (increments: the total counted). */
  public double total(String key) {
    TreeMap<String, Double> s = store.get(key);
    return s == null ? 0 : s.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  public static MockResponse multiStatus(int... codes) {
    StringBuilder sb = new StringBuilder("{\"multistatus\":[");
    for (int i = 0; i < codes.length; i++) {
      sb.append(i > 0 ? "," : "").append("{\"status\":").append(codes[i]).append(",\"messages\":[")
          .append(codes[i] / 100 == 2 ? "" : "\"point " + i + " failed with " + codes[i] + "\"").append("]}");
    }
    return new MockResponse.Builder().code(207).body(sb.append("]}").toString()).build();
  }
}
