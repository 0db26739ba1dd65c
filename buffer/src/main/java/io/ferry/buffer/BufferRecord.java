package io.ferry.buffer;

import io.ferry.core.ChannelId;

/** One leased record. {@code id} is unique within its kind and stable across restarts. */
public sealed interface BufferRecord permits SampleRecord, RollupRecord, IncrementRecord {
  long id();

  ChannelId channel();
}
