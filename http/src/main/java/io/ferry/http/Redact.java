package io.ferry.http;

import io.ferry.config.Fields;
import io.ferry.config.Secret;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;

/**
 * Keeps credentials out of error texts, where they can appear: in a URL (a query parameter, user
 * info), and in a body a server echoes back. It never searches whole messages for a secret's
 * characters (with a one-character key that garbles every log line and gives the key away, issue
 * 17); instead secrets shorter than {@link #MIN_SECRET} are refused when the configuration is read.
 */
public final class Redact {
  /** Shortest credential accepted: anything shorter is not a real key, and could not be kept out of logs. */
  public static final int MIN_SECRET = Secret.MIN_LENGTH;

  private static final Pattern URL = Pattern.compile("https?://[^\\s\"'<>]+");

  private Redact() {}

  /**
   * A secret key of an uplink section, refused (an error at {@code ferry check}) when implausibly
   * short. Use instead of {@link Fields#requiredSecret} for an HTTP API's credentials.
   */
  public static Optional<Secret> requiredSecret(Fields f, String key) {
    return plausible(f, key, f.requiredSecret(key));
  }

  /** {@code secret} unless shorter than {@link #MIN_SECRET} (then an error at {@code key}): the one rule, {@link Secret#plausible}. */
  public static Optional<Secret> plausible(Fields f, String key, Optional<Secret> secret) {
    return Secret.plausible(f, key, secret);
  }

  /**
   * A body the server sent back (it may echo the request, credentials included): every occurrence
   * of a secret is replaced by {@code ******}. Only bodies go through here, never our own texts.
   */
  public static String echo(String body, Secret... secrets) {
    if (body == null) {
      return "";
    }
    String out = body;
    for (Secret s : secrets) {
      if (s != null && s.reveal().length() >= MIN_SECRET) {
        out = out.replace(s.reveal(), "******");
      }
    }
    return out;
  }

  /** The answer with its body passed through {@link #echo}. */
  public static Reply echo(Reply reply, Secret... secrets) {
    return new Reply(reply.status(), echo(reply.body(), secrets), reply.headers());
  }

  /** Kept for callers written before issue 17: the same as {@link #echo(String, Secret...)}. */
  public static String scrub(String text, Secret... secrets) {
    return echo(text, secrets);
  }

  /** A URL without user info, query or fragment (where credentials travel); unparseable text is cut at {@code ?}. */
  public static String url(String url) {
    HttpUrl u = HttpUrl.parse(url);
    if (u == null) {
      int q = url.indexOf('?');
      int at = url.indexOf('@');
      String cut = q < 0 ? url : url.substring(0, q);
      return at < 0 ? cut : "******" + cut.substring(at);
    }
    return u.newBuilder().username("").password("").query(null).fragment(null).build().toString();
  }

  /** Every URL in a text (an exception message) passed through {@link #url(String)}. */
  public static String urls(String text) {
    Matcher m = URL.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(url(m.group())));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /**
   * A transport failure in the operator's words ("timed out", "connection refused: ..."), URLs
   * stripped of credentials. The secrets are not searched for: requests carry them only in headers
   * and URLs, which exception messages quote only as URLs.
   */
  public static String describe(Exception e, Secret... secrets) {
    String m = e.getMessage() == null ? "" : urls(e.getMessage());
    String what;
    if (e instanceof SocketTimeoutException || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()))) {
      what = "timed out";
    } else if (e instanceof ConnectException) {
      what = "connection refused";
    } else if (e instanceof UnknownHostException) {
      what = "unknown host";
    } else if (e instanceof NoRouteToHostException) {
      what = "no route to host";
    } else if (e instanceof SSLException) {
      what = "TLS failure";
    } else {
      what = "connection failed";
    }
    return m.isEmpty() || m.equals("timeout") ? what : what + ": " + m;
  }
}
