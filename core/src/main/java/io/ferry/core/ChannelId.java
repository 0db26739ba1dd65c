package io.ferry.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names one series: an instrument and one of its channels. Both parts are restricted to
 * {@code [A-Za-z0-9_.:-]} so that they can be used unescaped in every cloud API's ids, in file
 * names and in SQL without quoting surprises.
 */
public record ChannelId(String instrument, String channel) implements Comparable<ChannelId> {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  public ChannelId {
    requireName("instrument", instrument);
    requireName("channel", channel);
  }

  public static ChannelId of(String instrument, String channel) {
    return new ChannelId(instrument, channel);
  }

  /** Parses {@code instrument/channel}. */
  public static ChannelId parse(String text) {
    int slash = Objects.requireNonNull(text, "text").indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new IllegalArgumentException("expected instrument/channel, got \"" + text + "\"");
    }
    return new ChannelId(text.substring(0, slash), text.substring(slash + 1));
  }

  /** True when {@code name} is a valid instrument or channel name. */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  private static void requireName(String what, String value) {
    if (!isValidName(value)) {
      throw new IllegalArgumentException(
          what + " name \"" + value + "\" must be 1-128 characters of A-Z a-z 0-9 _ . : -");
    }
  }

  @Override
  public int compareTo(ChannelId o) {
    int c = instrument.compareTo(o.instrument);
    return c != 0 ? c : channel.compareTo(o.channel);
  }

  /**
   * Written out rather than generated: the record's generated equals runs through method handles
   * that C1-compiled code (the shipped JVM options) does not inline, and every sample is looked up
   * by its id on the writer thread.
   */
  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof ChannelId c && instrument.equals(c.instrument) && channel.equals(c.channel));
  }

  /**
   * Not the record's {@code 31 * a + b}: with numbered names ({@code sim1/c20} and {@code sim2/c1}...)
   * that collides in whole families, and lookups in a map of thousands of ids degrade to long
   * chains of equals calls. A golden-ratio multiply spreads the instrument's hash first.
   */
  @Override
  public int hashCode() {
    int h = instrument.hashCode() * 0x9E3779B9 + channel.hashCode();
    return h ^ (h >>> 16);
  }

  @Override
  public String toString() {
    return instrument + "/" + channel;
  }
}
