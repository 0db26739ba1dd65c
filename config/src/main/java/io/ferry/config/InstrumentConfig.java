package io.ferry.config;

import java.util.List;
import java.util.Optional;

/**
 * One instrument file after the common keys were validated, with readers left open for the
 * driver's own keys: {@link #fields()} for top-level driver keys (such as {@code mode}),
 * {@link #connection()} and each channel's {@link ChannelConfig#fields()}. A driver factory
 * reads those into its immutable plan; afterwards {@link ConfigContext#finish()} reports every
 * key nobody read.
 */
public record InstrumentConfig(
    InstrumentInfo info, Fields fields, Optional<Fields> connection, List<ChannelConfig> channels) {
  public InstrumentConfig {
    channels = List.copyOf(channels);
  }

  public String id() {
    return info.id();
  }
}
