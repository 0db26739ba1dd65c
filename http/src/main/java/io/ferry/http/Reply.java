package io.ferry.http;

import java.io.IOException;
import okhttp3.Headers;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;

/**
 * The status, body (at most {@link #MAX_BYTES}, UTF-8) and headers of an HTTP answer: what every
 * classifier of Ferry reads, whoever sent the request (an uplink's {@code Exchange}, the mirror).
 */
public record Reply(int status, String body, Headers headers) {
  /** Bodies are read up to this size; more is ignored (an API answer is small, a proxy's page is not). */
  public static final long MAX_BYTES = 1 << 20;

  public Reply {
    body = body == null ? "" : body;
    headers = headers == null ? Headers.of() : headers;
  }

  /** Reads the answer (its body up to {@link #MAX_BYTES}); the caller closes the response. */
  public static Reply of(Response response) throws IOException {
    return new Reply(response.code(), readLimited(response.body()), response.headers());
  }

  /** A header's value, or null. */
  public String header(String name) {
    return headers.get(name);
  }

  private static String readLimited(ResponseBody body) throws IOException {
    if (body == null) {
      return "";
    }
    Buffer buffer = new Buffer();
    var source = body.source();
    while (buffer.size() < MAX_BYTES) {
      long n = source.read(buffer, 8192);
      if (n == -1) {
        break;
      }
    }
    return buffer.readUtf8();
  }
}
