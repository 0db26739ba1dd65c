package io.ferry.uplink;

import io.ferry.config.Secret;

/** Keeps credentials out of error texts that quote a URL, an exception or a server's echo. */
public final class Redact {
  private Redact() {}

  public static String scrub(String text, Secret... secrets) {
    if (text == null) {
      return "";
    }
    String out = text;
    for (Secret s : secrets) {
      if (s != null && !s.reveal().isEmpty()) {
        out = out.replace(s.reveal(), "******");
      }
    }
    return out;
  }

  /** "SocketTimeoutException: timeout", scrubbed. */
  public static String describe(Exception e, Secret... secrets) {
    String m = e.getMessage();
    return scrub(e.getClass().getSimpleName() + (m == null ? "" : ": " + m), secrets);
  }
}
