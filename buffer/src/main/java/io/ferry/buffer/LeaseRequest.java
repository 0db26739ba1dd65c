package io.ferry.buffer;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of one lease: at most {@code maxRecords} records and about {@code maxBytes} bytes (40
 * per numeric sample). With {@code maxChannels > 0} the raw samples are leased by channel: the
 * oldest pending samples of at most {@code maxChannels} channels (the first channels met in
 * append order), at most {@code maxPerChannel} each (0 = no limit per channel), so that a lease
 * matches a request that limits streams, not samples. Rollups and increments are leased as
 * without it.
 */
public record LeaseRequest(int maxRecords, long maxBytes, Duration ttl, int maxChannels, int maxPerChannel) {
  public LeaseRequest {
    Objects.requireNonNull(ttl, "ttl");
    if (maxRecords < 1) {
      throw new IllegalArgumentException("maxRecords must be >= 1");
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1");
    }
    if (maxChannels < 0 || maxPerChannel < 0) {
      throw new IllegalArgumentException("maxChannels and maxPerChannel must be >= 0");
    }
  }

  /** Records in append order (ordered by channel inside the lease), no channel limit. */
  public LeaseRequest(int maxRecords, long maxBytes, Duration ttl) {
    this(maxRecords, maxBytes, ttl, 0, 0);
  }

  public static LeaseRequest of(int maxRecords) {
    return new LeaseRequest(maxRecords, Long.MAX_VALUE, Duration.ofMinutes(1));
  }

  /** The same bounds, leasing raw samples of at most {@code channels} channels, {@code perChannel} each (0 = any). */
  public LeaseRequest byChannel(int channels, int perChannel) {
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be >= 1");
    }
    return new LeaseRequest(maxRecords, maxBytes, ttl, channels, perChannel);
  }

  /** Whether raw samples are leased by channel. */
  public boolean byChannel() {
    return maxChannels > 0;
  }
}
