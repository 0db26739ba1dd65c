package io.ferry.buffer;

import io.ferry.core.ChannelId;

/**
 * An amount to add to a channel's bucket {@code [bucketStartMicros, +bucketMicros)}. Several
 * records may exist for one bucket when increments arrive after an earlier one was leased;
 * their sum is the bucket's total.
 */
public record IncrementRecord(long id, ChannelId channel, long bucketStartMicros, long bucketMicros, double delta)
    implements BufferRecord {}
