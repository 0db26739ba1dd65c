package io.ferry.config;

import io.ferry.core.ChannelSpec;

/** One channel: its validated common part and the reader for the driver's keys (register, node, field...). */
public record ChannelConfig(int index, ChannelSpec spec, Fields fields) {
  public String name() {
    return spec.id().channel();
  }
}
