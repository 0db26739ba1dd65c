package io.ferry.config;

import java.util.Objects;

/**
 * A credential read from the environment or a file (systemd {@code LoadCredential=}). Its value
 * is only available through {@link #reveal()}; {@link #toString()} and every error name only
 * where it came from, never what it is.
 */
public final class Secret {
  private final String source;
  private final String value;

  public Secret(String source, String value) {
    this.source = Objects.requireNonNull(source, "source");
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The credential itself: pass it straight to the wire, never to a log or message. */
  public String reveal() {
    return value;
  }

  /** Where it came from, for example {@code ${env:GS_API_KEY}}. */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return "Secret[" + source + ", ******]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.source.equals(source) && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }
}
