package io.ferry.buffer;

import io.ferry.core.ChannelId;
import io.ferry.core.Sample;

/** A raw sample as stored, with its queue sequence number. */
public record SampleRecord(long id, Sample sample) implements BufferRecord {
  @Override
  public ChannelId channel() {
    return sample.channel();
  }
}
