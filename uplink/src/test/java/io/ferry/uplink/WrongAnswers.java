package io.ferry.uplink;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * Issue 17: answers that do not come from the API (a wrong url or path, a redirect, a proxy's
 * page). Each case says what the uplink must report; none may dead-letter a record. The bodies are
 * data files under {@code misconfigured/}, named after what they reproduce.
 */
public final class WrongAnswers {
  private WrongAnswers() {}

  /**
   * One wrong answer.
   *
   * @param name test display name
   * @param status HTTP status
   * @param contentType Content-Type, or null
   * @param bodyFile a resource under {@code /misconfigured/}, or null for an empty body
   * @param expect text the paused uplink's reason must contain ({@code {elsewhere}} is the redirect target)
   */
  public record Case(String name, int status, String contentType, String bodyFile, String expect) {
    public boolean redirect() {
      return status >= 300 && status < 400;
    }

    /** The answer; a redirect points at {@code elsewhere} (another host), with a credential-like query. */
    public MockResponse response(String elsewhere) {
      MockResponse.Builder b = new MockResponse.Builder().code(status);
      if (contentType != null) {
        b.addHeader("Content-Type", contentType);
      }
      if (redirect()) {
        b.addHeader("Location", elsewhere + "/api/feed?api_key=must-not-be-shown");
      }
      try {
        b.body(bodyFile == null ? "" : UplinkTesting.resource("/misconfigured/" + bodyFile));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return b.build();
    }

    public String expected(String elsewhere) {
      return expect.replace("{elsewhere}", elsewhere);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Every case of the issue: 404 HTML, 405, 410, 301/302/307/308 to another host, 200 proxy page, 400 non-API body. */
  public static List<Case> all() {
    return List.of(
        new Case("404 with an HTML page", 404, "text/html", "nginx-404-wrong-path.html", "HTTP 404 not found, an HTML page"),
        new Case("405", 405, null, null, "HTTP 405 method not allowed"),
        new Case("410", 410, null, null, "HTTP 410 gone"),
        new Case("301 to another host", 301, null, null, "the server redirects to {elsewhere}/api/feed: set url to that"),
        new Case("302 to another host", 302, null, null, "the server redirects to {elsewhere}/api/feed: set url to that"),
        new Case("307 to another host", 307, null, null, "the server redirects to {elsewhere}/api/feed: set url to that"),
        new Case("308 to another host", 308, null, null, "the server redirects to {elsewhere}/api/feed: set url to that"),
        new Case("200 with a proxy's HTML page", 200, "text/html", "captive-portal-200.html", "HTTP 200 but the answer is not the API's, an HTML page"),
        new Case("400 with a non-API body", 400, "text/plain", "load-balancer-400.txt", "HTTP 400 without the API's error shape"));
  }

  /**
   * A wrong url or proxy in front of a real (fake) API: answers {@code wrong} without passing the
   * request on, until {@link #fix()}; then every request reaches the API.
   */
  public static final class UntilFixed extends Dispatcher {
    private final Dispatcher api;
    private final Case wrong;
    private final String elsewhere;
    private final AtomicInteger wrongAnswers = new AtomicInteger();
    private volatile boolean fixed;

    public UntilFixed(Dispatcher api, Case wrong, String elsewhere) {
      this.api = api;
      this.wrong = wrong;
      this.elsewhere = elsewhere;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      if (!fixed) {
        wrongAnswers.incrementAndGet();
        return wrong.response(elsewhere);
      }
      return api.dispatch(request);
    }

    public void fix() {
      fixed = true;
    }

    public int wrongAnswers() {
      return wrongAnswers.get();
    }
  }
}
