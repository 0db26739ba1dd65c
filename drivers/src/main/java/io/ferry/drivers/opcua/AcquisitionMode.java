package io.ferry.drivers.opcua;

/** {@code POLL}: one batched Read per tick. {@code SUBSCRIBE}: monitored items pushed by the server. */
public enum AcquisitionMode {
  POLL,
  SUBSCRIBE
}
