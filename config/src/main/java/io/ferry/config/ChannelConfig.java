package io.ferry.config;

import io.ferry.core.ChannelSpec;
import java.util.Optional;

/**
 * One channel: its validated common part and the reader for the driver's keys (register, node, field...).
 *
 * @param write the reader of the channel's {@code write:} mapping when it has one: its common keys
 *     (limits, rate, verify) are already read into {@link ChannelSpec#write()}; a driver reads its
 *     own keys there (a serial command template, an MQTT command topic)
 */
public record ChannelConfig(int index, ChannelSpec spec, Fields fields, Optional<Fields> write) {
  public ChannelConfig {
    java.util.Objects.requireNonNull(write, "write");
  }

  /** A read-only channel. */
  public ChannelConfig(int index, ChannelSpec spec, Fields fields) {
    this(index, spec, fields, Optional.empty());
  }

  public String name() {
    return spec.id().channel();
  }
}
