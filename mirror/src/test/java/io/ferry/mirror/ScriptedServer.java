package io.ferry.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;

/**
 * A Cognite subscription and its token endpoint on a MockWebServer: serves {@link SubscriptionScript}
 * pages by cursor ({@code c<partition>.<page>.<generation>}), long-polls at the end of the stream,
 * answers {@code initializeCursors} from the pages' ingestion times, and injects scripted faults.
 */
final class ScriptedServer extends Dispatcher {
  static final String PROJECT = "proj";
  static final String SUBSCRIPTION = "site-setpoints";
  static final String CLIENT_SECRET = "s3cr3t-value";
  private static final ObjectMapper JSON = new ObjectMapper();

  final SubscriptionScript script;
  private final InstantSource clock;
  final int partitionCount;
  /** How many pages one response carries at most. */
  volatile int pagesPerResponse = 1;
  /** How long a request at the end of the stream is held (real time) before an empty answer. */
  volatile long holdMillis = 100;
  volatile long tokenLifetimeSeconds = 3600;
  /** Cursors of an older generation are rejected with 400, as expired cursors are. */
  volatile int cursorGeneration;
  /** When set, every data request gets this answer. */
  volatile MockResponse stuck;

  private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
  private final AtomicInteger tokensIssued = new AtomicInteger();
  final AtomicInteger unauthorized = new AtomicInteger();
  final List<java.time.Instant> tokenIssuedAt = Collections.synchronizedList(new ArrayList<>());
  final List<JsonNode> dataRequests = Collections.synchronizedList(new ArrayList<>());
  final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  private final Map<Integer, Integer> delivered = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
  private final Set<String> revokeAt = ConcurrentHashMap.newKeySet();

  /** A scripted answer for the first request of {@code partition} asking for page {@code page} (-1: any). */
  record Fault(int partition, int page, MockResponse response) {}

  ScriptedServer(SubscriptionScript script, int partitionCount, InstantSource clock) {
    this.script = script;
    this.partitionCount = partitionCount;
    this.clock = clock;
  }

  void fault(int partition, int page, MockResponse response) {
    faults.add(new Fault(partition, page, response));
  }

  /** Every token issued so far stops working when {@code partition} asks for {@code page}. */
  void revokeTokensAt(int partition, int page) {
    revokeAt.add(partition + "/" + page);
  }

  int tokensIssued() {
    return tokensIssued.get();
  }

  /** True once every partition asked beyond its last page: the client committed everything. */
  boolean finished() {
    for (int p = 0; p < partitionCount; p++) {
      if (delivered.getOrDefault(p, -1) < script.size(p)) {
        return false;
      }
    }
    return true;
  }

  List<JsonNode> requestsOf(int partition) {
    List<JsonNode> out = new ArrayList<>();
    synchronized (dataRequests) {
      for (JsonNode n : dataRequests) {
        if (n.path("partitions").path(0).path("index").asInt() == partition) {
          out.add(n);
        }
      }
    }
    return out;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    String path = request.getUrl().encodedPath();
    String body = request.getBody() == null ? "" : request.getBody().utf8();
    if (path.equals("/token")) {
      return token(body);
    }
    String auth = request.getHeaders().get("Authorization");
    authorizations.add(auth);
    String base = "/api/v1/projects/" + PROJECT + "/timeseries/subscriptions/";
    if (path.equals(base + "byids")) {
      if (!authorized(auth)) {
        return error(401, "Unauthorized", "rid-auth");
      }
      return json(200, "{\"items\":[{\"externalId\":\"" + SUBSCRIPTION + "\",\"partitionCount\":" + partitionCount + "}]}");
    }
    if (!path.equals(base + "data/list")) {
      return error(404, "no such path " + path, "rid-404");
    }
    JsonNode req;
    try {
      req = JSON.readTree(body);
    } catch (IOException e) {
      return error(400, "bad json", "rid-json");
    }
    dataRequests.add(req);
    int partition = req.path("partitions").path(0).path("index").asInt();
    JsonNode cursorNode = req.path("partitions").path(0).get("cursor");
    int pos;
    if (cursorNode != null && cursorNode.isTextual()) {
      String[] c = cursorNode.asText().split("\\.");
      if (Integer.parseInt(c[2]) < cursorGeneration) {
        return error(400, "Cursor has expired, reinitialize with initializeCursors", "rid-cursor");
      }
      pos = Integer.parseInt(c[1]);
    } else if (req.has("initializeCursors")) {
      pos = positionFor(partition, req.get("initializeCursors").asText());
    } else {
      pos = 0;
    }
    if (revokeAt.remove(partition + "/" + pos)) {
      validTokens.clear();
    }
    if (!authorized(auth)) {
      unauthorized.incrementAndGet();
      return error(401, "Unauthorized: token expired", "rid-401");
    }
    MockResponse s = stuck;
    if (s != null) {
      return s;
    }
    for (Fault f : faults) {
      if (f.partition == partition && (f.page == -1 || f.page == pos) && faults.remove(f)) {
        return f.response;
      }
    }
    delivered.merge(partition, pos, Math::max);
    synchronized (script) {
      long deadline = System.nanoTime() + holdMillis * 1_000_000;
      while (pos >= script.size(partition) && System.nanoTime() < deadline) {
        script.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
      int to = Math.min(script.size(partition), pos + pagesPerResponse);
      if (pos >= to) {
        return json(200, script.response(partition, pos, pos, cursor(partition, pos)).replace("\"hasNext\":true", "\"hasNext\":false"));
      }
      return json(200, script.response(partition, pos, to, cursor(partition, to)));
    }
  }

  private String cursor(int partition, int pos) {
    return "c" + partition + "." + pos + "." + cursorGeneration;
  }

  /** The first page ingested at or after now minus the age. */
  private int positionFor(int partition, String init) {
    if (init.equals("now")) {
      return script.size(partition);
    }
    long from = clock.millis() - InitializeCursors.age(init).toMillis();
    for (int i = 0; i < script.size(partition); i++) {
      if (script.page(partition, i).ingestedAt >= from) {
        return i;
      }
    }
    return script.size(partition);
  }

  private MockResponse token(String form) {
    Map<String, String> f = new HashMap<>();
    for (String kv : form.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        f.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    if (!"client_credentials".equals(f.get("grant_type")) || !CLIENT_SECRET.equals(f.get("client_secret"))
        || !"ferry-test".equals(f.get("client_id"))) {
      return json(401, "{\"error\":\"invalid_client\",\"error_description\":\"bad client credentials\"}");
    }
    String token = "tok-" + tokensIssued.incrementAndGet();
    tokenIssuedAt.add(clock.instant());
    validTokens.add(token);
    return json(200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":" + tokenLifetimeSeconds + "}");
  }

  private boolean authorized(String header) {
    return header != null && header.startsWith("Bearer ") && validTokens.contains(header.substring(7));
  }

  static MockResponse json(int code, String body) {
    return new MockResponse(code, Headers.of("Content-Type", "application/json"), body);
  }

  static MockResponse error(int code, String message, String requestId) {
    return new MockResponse(code, Headers.of("Content-Type", "application/json", "x-request-id", requestId),
        "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\"}}");
  }

  Set<Integer> partitions() {
    Set<Integer> s = new HashSet<>();
    for (int p = 0; p < partitionCount; p++) {
      s.add(p);
    }
    return s;
  }
}
