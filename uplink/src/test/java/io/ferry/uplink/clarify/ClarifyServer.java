package io.ferry.uplink.clarify;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A Clarify-like API behind MockWebServer: {@code /v1/oauth/token} hands out tokens {@code t1, t2, ...}
 * valid {@link #tokenLife} seconds (of the fake clock); {@code /v1/rpc} checks the bearer token
 * (or Basic), applies {@code integration.insert} (values keyed by input key and time, so a resend
 * overwrites) and records {@code integration.saveSignals}. A script may replace any answer; a
 * scripted answer means the request was not applied.
 */
public final class ClarifyServer extends Dispatcher {
  static final ObjectMapper JSON = new ObjectMapper();

  public record Received(Instant at, String path, String body, RecordedRequest request) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    public String method() {
      return path.endsWith("/rpc") ? json().path("method").asText() : "token";
    }
  }

  public final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  /** input key to time to value (null kept as JSON null). */
  public final Map<String, TreeMap<String, JsonNode>> store = new ConcurrentHashMap<>();
  public final List<JsonNode> saved = Collections.synchronizedList(new ArrayList<>());
  public final Map<String, Instant> tokens = new ConcurrentHashMap<>();
  public final AtomicInteger inserts = new AtomicInteger();
  /** Non-null values stored, counting a value written again at the same place each time. */
  public final AtomicInteger valuesWritten = new AtomicInteger();
  public volatile long tokenLife = 3600;
  private final InstantSource clock;
  private final BiFunction<Integer, Received, MockResponse> script;

  public ClarifyServer(InstantSource clock, BiFunction<Integer, Received, MockResponse> script) {
    this.clock = clock;
    this.script = script;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String body = request.getBody() == null ? "" : request.getBody().utf8();
    Received r = new Received(clock.instant(), request.getUrl().encodedPath(), body, request);
    int n;
    synchronized (received) {
      n = received.size();
      received.add(r);
    }
    MockResponse scripted = script.apply(n, r);
    if (scripted != null) {
      return scripted;
    }
    if (r.path().equals("/v1/oauth/token")) {
      String token = "t" + (tokens.size() + 1);
      tokens.put(token, clock.instant().plusSeconds(tokenLife));
      return json("{\"access_token\":\"" + token + "\",\"expires_in\":" + tokenLife + ",\"token_type\":\"Bearer\"}");
    }
    if (!r.path().equals("/v1/rpc")) {
      return new MockResponse.Builder().code(404).body("404 page not found").build();
    }
    String auth = request.getHeaders().get("Authorization");
    if (auth != null && auth.startsWith("Bearer ")) {
      Instant until = tokens.get(auth.substring(7));
      if (until == null || !clock.instant().isBefore(until)) {
        return new MockResponse.Builder().code(401).body("{\"error\":\"invalid_token\"}").build();
      }
    }
    JsonNode rpc = r.json();
    String id = rpc.path("id").asText();
    JsonNode params = rpc.path("params");
    StringBuilder result = new StringBuilder("{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"result\":{\"signalsByInput\":{");
    if (rpc.path("method").asText().equals("integration.insert")) {
      inserts.incrementAndGet();
      JsonNode times = params.path("data").path("times");
      var it = params.path("data").path("series").fields();
      boolean first = true;
      while (it.hasNext()) {
        var e = it.next();
        TreeMap<String, JsonNode> series = store.computeIfAbsent(e.getKey(), k -> new TreeMap<>());
        for (int i = 0; i < times.size(); i++) {
          if (!e.getValue().get(i).isNull()) {
            series.put(times.get(i).asText(), e.getValue().get(i));
            valuesWritten.incrementAndGet();
          }
        }
        result.append(first ? "" : ",").append('"').append(e.getKey()).append("\":{\"id\":\"s-").append(e.getKey()).append("\",\"created\":false}");
        first = false;
      }
    } else {
      saved.add(params);
    }
    return json(result.append("}}}").toString());
  }

  public static MockResponse json(String body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").addHeader("X-API-Version", "1.1")
        .body(body).build();
  }

  public static MockResponse rpcError(int code, String message, String data) {
    return json("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"data\":" + data + "}}");
  }

  public List<Received> rpcCalls() {
    synchronized (received) {
      return received.stream().filter(r -> r.path().equals("/v1/rpc")).toList();
    }
  }

  public List<String> methods() {
    synchronized (received) {
      return received.stream().map(Received::method).toList();
    }
  }
}
