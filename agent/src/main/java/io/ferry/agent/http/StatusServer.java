package io.ferry.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ferry.config.HttpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local status server (JDK {@code com.sun.net.httpserver}, no framework): {@code GET
 * /health}, {@code /metrics}, {@code /} (the status page) and {@code /api/status} (its data), none
 * of which changes the agent; and, only with {@code http.writeApi: true} and always behind the
 * token, {@code POST /api/write}, the one request that acts on a device. One worker thread
 * answers every request but the write itself: requests are rare and cheap. A write waits for its
 * instrument (up to the instrument's timeout), so once it is checked (enabled, token, body) its
 * exchange goes to a small write executor that performs it and answers from there: {@code /health}
 * and the page answer while a write waits on a slow slave.
 *
 * <p>With a token, every request but the empty page shell needs {@code Authorization: Bearer
 * TOKEN}; the page reads the token from its URL fragment ({@code /#token=...}), which browsers
 * never send to the server, and sends it with its data requests.
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
  private static final String PAGE = loadPage();

  private final Observatory observatory;
  private final HttpServer server;
  private final ExecutorService worker;
  /**
   * Performs writes and answers them, at most {@link #WRITE_THREADS} at once (each instrument's bus
   * thread orders the writes to one instrument); threads end when idle. A full queue is answered 503.
   */
  private final ThreadPoolExecutor writer;
  private final byte[] token;

  private StatusServer(Observatory observatory, HttpServer server, ExecutorService worker) {
    this.observatory = observatory;
    this.server = server;
    this.worker = worker;
    this.writer = new ThreadPoolExecutor(WRITE_THREADS, WRITE_THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(WRITES_WAITING), r -> {
      Thread t = new Thread(r, "ferry-http-write");
      t.setDaemon(true);
      return t;
    });
    writer.allowCoreThreadTimeOut(true);
    this.token = observatory.settings().token().map(s -> s.reveal().getBytes(StandardCharsets.UTF_8)).orElse(null);
  }

  /** Binds {@code settings}' address and serves {@code observatory} (already attached to the agent). */
  public static StatusServer start(Observatory observatory) throws IOException {
    HttpSettings settings = observatory.settings();
    HttpServer server = HttpServer.create(settings.address(), 16);
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ferry-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(worker);
    StatusServer s = new StatusServer(observatory, server, worker);
    server.createContext("/", s::handle);
    server.start();
    return s;
  }

  /** True when every data request needs the bearer token. */
  public boolean tokenRequired() {
    return token != null;
  }

  /** Where it listens, for example {@code http://127.0.0.1:9108/}. */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort() + "/");
  }

  private void handle(HttpExchange ex) throws IOException {
    if (ex.getRequestURI().getPath().equals(WRITE_PATH)) {
      boolean handedOver = false;
      try {
        handedOver = handleWrite(ex);
      } catch (RuntimeException e) {
        LOG.warn("write request failed: {}", io.ferry.config.IoCauses.message(e));
        trySend(ex, 503, "the write was not performed: the agent is starting or stopping\n");
      } finally {
        if (!handedOver) {
          ex.close();
        }
      }
      return;
    }
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, 405, "text/plain; charset=utf-8", "read-only: only GET and HEAD\n");
        return;
      }
      String path = ex.getRequestURI().getPath();
      boolean shell = path.equals("/") && token != null;
      if (token != null && !shell && !authorized(ex)) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ferry\"");
        send(ex, 401, "text/plain; charset=utf-8", "a bearer token is required (Authorization: Bearer ...)\n");
        return;
      }
      if (!observatory.attached() && !path.equals("/")) {
        send(ex, 503, "text/plain; charset=utf-8", "the agent is starting\n");
        return;
      }
      switch (path) {
        case "/health" -> {
          Health h = observatory.health();
          send(ex, h.healthy() ? 200 : 503, "application/json", StatusJson.withAgent(StatusJson.health(h), observatory.plan()).toPrettyString() + "\n");
        }
        case "/metrics" -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", observatory.scrape());
        case "/api/status" -> send(ex, 200, "application/json",
            StatusJson.JSON.writeValueAsString(StatusJson.withAgent(StatusJson.page(observatory.health(), observatory), observatory.plan())));
        case "/" -> {
          // Without a token the first data is in the page itself: it shows at once, even without script.
          String initial = shell || !observatory.attached() ? "null"
              : StatusJson.JSON.writeValueAsString(StatusJson.withAgent(StatusJson.page(observatory.health(), observatory), observatory.plan()))
                  .replace("</", "<\\/");
          send(ex, 200, "text/html; charset=utf-8", PAGE.replace("/*INITIAL*/null", initial));
        }
        default -> send(ex, 404, "text/plain; charset=utf-8", "not found: try /, /health or /metrics\n");
      }
    } catch (RuntimeException e) {
      // The agent may be stopping; never let a view request take anything down.
      LOG.warn("status request {} failed: {}", ex.getRequestURI().getPath(), io.ferry.config.IoCauses.message(e));
      LOG.debug("status request failure", e);
      trySend(ex, 503, "status not available: the agent is starting or stopping\n");
    }
  }

  private static void trySend(HttpExchange ex, int code, String text) {
    try {
      send(ex, code, "text/plain; charset=utf-8", text);
    } catch (IOException | RuntimeException ignored) {
      // the headers were already sent
    }
  }

  /**
   * {@code POST /api/write} with {@code {"channel": "plc1/setpoint", "value": "42.5"}}: off unless
   * {@code http.writeApi: true}, and always behind the bearer token (configuration refuses the write
   * API without one). Answers 200 with the outcome for every write that was judged, refused ones
   * included; the status code says only whether the request itself was understood. The checks run
   * on the worker; the write itself on the write executor, which answers and closes the exchange.
   *
   * @return true when the exchange was handed to the write executor (it closes it)
   */
  private boolean handleWrite(HttpExchange ex) throws IOException {
    if (!observatory.settings().writeApi() || token == null) {
      send(ex, 404, "text/plain; charset=utf-8", "the write API is off (agent.yaml http: writeApi: true with a token turns it on)\n");
      return false;
    }
    if (!ex.getRequestMethod().equals("POST")) {
      ex.getResponseHeaders().set("Allow", "POST");
      send(ex, 405, "text/plain; charset=utf-8", "only POST\n");
      return false;
    }
    if (!authorized(ex)) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ferry\"");
      send(ex, 401, "text/plain; charset=utf-8", "a bearer token is required (Authorization: Bearer ...)\n");
      return false;
    }
    java.util.Optional<io.ferry.agent.runtime.WriteService> writes = observatory.writes();
    if (writes.isEmpty()) {
      send(ex, 503, "text/plain; charset=utf-8", "the agent is starting\n");
      return false;
    }
    com.fasterxml.jackson.databind.JsonNode body;
    try (InputStream in = ex.getRequestBody()) {
      body = StatusJson.JSON.readTree(in.readNBytes(MAX_WRITE_BODY));
    } catch (IOException e) {
      body = null;
    }
    if (body == null || !body.path("channel").isTextual() || !(body.path("value").isTextual() || body.path("value").isNumber()
        || body.path("value").isBoolean())) {
      send(ex, 400, "text/plain; charset=utf-8", "expected JSON {\"channel\": \"instrument/channel\", \"value\": 42.5}\n");
      return false;
    }
    java.util.Optional<String> other = otherAgent(body.path("agent"));
    if (other.isPresent()) {
      send(ex, 409, "text/plain; charset=utf-8", other.get() + "\n");
      return false;
    }
    String asked = body.path("source").asText("api");
    String source = asked.equals("cli") ? "cli" : "api"; // the caller names itself only among the known sources
    String channel = body.get("channel").asText();
    String value = body.get("value").asText();
    io.ferry.agent.runtime.WriteService service = writes.get();
    try {
      writer.execute(() -> {
        try (ex) {
          write(ex, service, source, channel, value);
        } catch (IOException | RuntimeException e) {
          LOG.warn("answering write {} failed: {}", channel, io.ferry.config.IoCauses.message(e));
        }
      });
      return true;
    } catch (RejectedExecutionException e) {
      send(ex, 503, "text/plain; charset=utf-8", "not written: " + WRITES_WAITING + " writes are waiting already; try again\n");
      return false;
    }
  }

  /** Performs one checked write and answers it; on the write executor. */
  private static void write(HttpExchange ex, io.ferry.agent.runtime.WriteService writes, String source, String channel, String value)
      throws IOException {
    io.ferry.agent.runtime.WriteService.Result r;
    try {
      r = writes.write(source, channel, value);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      send(ex, 503, "text/plain; charset=utf-8", "the agent is stopping\n");
      return;
    }
    com.fasterxml.jackson.databind.node.ObjectNode out = StatusJson.JSON.createObjectNode();
    out.put("channel", channel);
    out.put("value", r.value());
    out.put("outcome", r.outcome().word());
    out.put("detail", r.outcome().detail());
    out.put("retryable", r.retryable());
    out.put("durationMs", r.duration().toMillis());
    send(ex, 200, "application/json", out.toPrettyString() + "\n");
  }

  /**
   * Why a write addressed to another agent ({@code "agent": {"gatewayId", "stateDir"}} in the body,
   * as {@code ferry write} sends from its configuration) must not be done here: two agents on one
   * machine, one port. Empty when the body names this agent or names none (another client).
   */
  private java.util.Optional<String> otherAgent(com.fasterxml.jackson.databind.JsonNode agent) {
    if (!agent.isObject()) {
      return java.util.Optional.empty();
    }
    io.ferry.agent.plan.AgentPlan plan = observatory.plan();
    String gateway = agent.path("gatewayId").asText("");
    java.nio.file.Path dir = java.nio.file.Path.of(agent.path("stateDir").asText(""));
    boolean sameDir;
    try {
      sameDir = java.nio.file.Files.isSameFile(dir, plan.stateDir());
    } catch (IOException | RuntimeException e) {
      sameDir = dir.toAbsolutePath().normalize().equals(plan.stateDir().toAbsolutePath().normalize());
    }
    return gateway.equals(plan.gatewayId()) && sameDir ? java.util.Optional.empty()
        : java.util.Optional.of("not written: this is the agent of gateway " + plan.gatewayId() + ", stateDir "
            + plan.stateDir().toAbsolutePath().normalize() + ", not gateway " + gateway + ", stateDir " + dir);
  }

  static final String WRITE_PATH = "/api/write";
  static final int MAX_WRITE_BODY = 4096;
  static final int WRITE_THREADS = 4;
  static final int WRITES_WAITING = 16;

  private boolean authorized(HttpExchange ex) {
    String h = ex.getRequestHeaders().getFirst("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(h.substring(7).trim().getBytes(StandardCharsets.UTF_8), token);
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(code, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static String loadPage() {
    try (InputStream in = StatusServer.class.getResourceAsStream("status.html")) {
      if (in == null) {
        throw new IllegalStateException("status.html is missing from this build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops listening (waits up to a second for a request in progress). */
  @Override
  public void close() {
    server.stop(1);
    worker.shutdownNow();
    writer.shutdownNow();
  }
}
