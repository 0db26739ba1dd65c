package io.ferry.uplink.atomscale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * An Atomscale-like server: initialize creates streams {@code d-0, d-1, ...}; chunk/multi stores
 * each channel's slice at (data_id, channel, chunk_index), so a repeated chunk replaces its slice;
 * finalize closes a stream. A script may replace any answer (the request is applied first).
 */
final class AtomscaleServer extends Dispatcher {
  static final ObjectMapper JSON = new ObjectMapper();

  record Received(String path, JsonNode body, RecordedRequest request) {}

  final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  final List<String> streams = Collections.synchronizedList(new ArrayList<>());
  final Map<String, Boolean> finalized = new ConcurrentHashMap<>();
  /** "data_id/channel/index" to the slice's JSON. */
  final Map<String, JsonNode> slices = new ConcurrentHashMap<>();
  private final BiFunction<Integer, Received, MockResponse> script;

  AtomscaleServer(BiFunction<Integer, Received, MockResponse> script) {
    this.script = script;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    JsonNode body;
    try {
      String text = request.getBody() == null ? "" : request.getBody().utf8();
      body = text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
    } catch (IOException e) {
      return new MockResponse.Builder().code(422).body("{\"detail\":\"bad json\"}").build();
    }
    Received r = new Received(path, body, request);
    int n;
    synchronized (received) {
      n = received.size();
      received.add(r);
    }
    MockResponse normal = apply(r);
    MockResponse scripted = script.apply(n, r);
    return scripted != null ? scripted : normal;
  }

  private MockResponse apply(Received r) {
    if (r.path().endsWith("/stream/initialize")) {
      String id = "d-" + streams.size();
      streams.add(id);
      return json("{\"data_id\":\"" + id + "\",\"processed_data_id\":\"p-" + id + "\"}");
    }
    if (r.path().endsWith("/stream/chunk/multi")) {
      String id = r.body().path("data_id").asText();
      if (!streams.contains(id) || finalized.containsKey(id)) {
        return new MockResponse.Builder().code(404).body("{\"detail\":\"unknown stream\"}").build();
      }
      long index = r.body().path("chunk_index").asLong();
      StringBuilder out = new StringBuilder("[");
      var it = r.body().path("channels").fields();
      while (it.hasNext()) {
        var e = it.next();
        slices.put(id + "/" + e.getKey() + "/" + index, e.getValue());
        if (out.length() > 1) {
          out.append(',');
        }
        out.append("{\"data_id\":\"").append(id).append("\",\"channel_name\":\"").append(e.getKey())
            .append("\",\"chunk_index\":").append(index).append(",\"total_points\":0}");
      }
      return json(out.append(']').toString());
    }
    if (r.path().endsWith("/finalize")) {
      String[] parts = r.path().split("/");
      String id = parts[parts.length - 2];
      finalized.put(id, true);
      return json("{\"data_id\":\"" + id + "\",\"processed_data_id\":\"p-" + id + "\"}");
    }
    return new MockResponse.Builder().code(404).body("{\"detail\":\"Not Found\"}").build();
  }

  static MockResponse json(String body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
  }

  List<Received> chunks() {
    synchronized (received) {
      return received.stream().filter(r -> r.path().endsWith("/chunk/multi")).toList();
    }
  }

  long initializeCalls() {
    synchronized (received) {
      return received.stream().filter(r -> r.path().endsWith("/initialize")).count();
    }
  }
}
