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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local read-only status server (JDK {@code com.sun.net.httpserver}, no framework): {@code GET
 * /health}, {@code /metrics}, {@code /} (the status page) and {@code /api/status} (its data).
 * Nothing it serves changes the agent. One worker thread: requests are rare and cheap.
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
  private final byte[] token;

  private StatusServer(Observatory observatory, HttpServer server, ExecutorService worker) {
    this.observatory = observatory;
    this.server = server;
    this.worker = worker;
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
      try {
        send(ex, 503, "text/plain; charset=utf-8", "status not available: the agent is starting or stopping\n");
      } catch (IOException | RuntimeException ignored) {
        // the headers were already sent
      }
    }
  }

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
  }
}
