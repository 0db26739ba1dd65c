package io.ferry.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A credential read from the environment or a file (systemd {@code LoadCredential=}). Its value
 * is only available through {@link #reveal()}; {@link #toString()} and every error name only
 * where it came from, never what it is.
 */
public final class Secret {
  /**
   * Shortest credential accepted, for every secret a configuration gives Ferry to present or check
   * (uplink keys and passwords, the mirror's client secret, {@code http.token}): anything shorter is
   * not a real credential, and a server echoing it back could not be kept out of logs (issue 17).
   */
  public static final int MIN_LENGTH = 8;

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

  /** {@code secret} unless shorter than {@link #MIN_LENGTH} (then an error at {@code key}, which names its source, never its value). */
  public static Optional<Secret> plausible(Fields f, String key, Optional<Secret> secret) {
    if (secret.isPresent() && secret.get().reveal().strip().length() < MIN_LENGTH) {
      f.error(key, "the secret from " + secret.get().source() + " is " + secret.get().reveal().strip().length()
          + " characters long: too short to be a real credential (at least " + MIN_LENGTH + ")");
      return Optional.empty();
    }
    return secret;
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
