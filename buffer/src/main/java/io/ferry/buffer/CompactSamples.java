package io.ferry.buffer;

import io.ferry.core.ChannelId;
import io.ferry.core.Quality;
import io.ferry.core.Sample;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The raw samples of a lease as parallel primitive arrays in lease order (channel, then time): a
 * leased sample costs about 30 bytes of heap here instead of a record and a sample object (about
 * 100 bytes with the scan arrays). {@link #get} builds the record on each call; callers that keep
 * records keep the ones they got, and equality is by value (records). Immutable, so it may be read
 * from the uplink's thread; channel ids are resolved when it is built, on the writer thread.
 */
final class CompactSamples extends AbstractList<SampleRecord> implements RandomAccess {
  private final long[] seq;
  private final long[] t;
  private final double[] v;
  private final byte[] q;
  private final ChannelId[] channelOf; // per channel key
  private final int[] ch;
  private final String[] txt; // null when no text row
  private final int n;

  CompactSamples(long[] seq, long[] t, double[] v, byte[] q, int[] ch, ChannelId[] channelOf, String[] txt, int n) {
    this.seq = seq;
    this.t = t;
    this.v = v;
    this.q = q;
    this.ch = ch;
    this.channelOf = channelOf;
    this.txt = txt;
    this.n = n;
  }

  @Override
  public SampleRecord get(int i) {
    java.util.Objects.checkIndex(i, n);
    ChannelId id = channelOf[ch[i]];
    Quality quality = Quality.ofCode(q[i]);
    String s = txt == null ? null : txt[i];
    Sample sample = s == null ? new Sample(id, t[i], v[i], null, quality) : Sample.text(id, t[i], s, quality);
    return new SampleRecord(seq[i], sample);
  }

  @Override
  public int size() {
    return n;
  }

  /** Queue sequence of row {@code i} without building its record (acks by id). */
  long id(int i) {
    java.util.Objects.checkIndex(i, n);
    return seq[i];
  }
}
