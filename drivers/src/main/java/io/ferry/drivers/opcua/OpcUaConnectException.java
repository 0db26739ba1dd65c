package io.ferry.drivers.opcua;

/** A connection attempt failed; the message is meant for the operator and never holds a secret. */
public final class OpcUaConnectException extends Exception {
  private final boolean configuration;

  public OpcUaConnectException(String message, boolean configuration, Throwable cause) {
    super(message, cause);
    this.configuration = configuration;
  }

  /** True when retrying will not help until someone acts (untrusted certificate, endpoint not offered, login refused). */
  public boolean needsOperator() {
    return configuration;
  }
}
