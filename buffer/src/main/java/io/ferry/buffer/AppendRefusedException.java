package io.ferry.buffer;

/** The buffer did not store the samples (disk full, closed); they were counted as refused. */
public final class AppendRefusedException extends RuntimeException {
  public AppendRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
