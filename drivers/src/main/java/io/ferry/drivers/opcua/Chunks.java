package io.ferry.drivers.opcua;

import java.util.ArrayList;
import java.util.List;

/** Splits a request list into consecutive chunks of at most {@code size}. Pure. */
public final class Chunks {
  private Chunks() {}

  public static <T> List<List<T>> of(List<T> items, int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("chunk size must be positive, got " + size);
    }
    List<List<T>> out = new ArrayList<>((items.size() + size - 1) / size);
    for (int i = 0; i < items.size(); i += size) {
      out.add(List.copyOf(items.subList(i, Math.min(items.size(), i + size))));
    }
    return out;
  }

  /**
   * The nodes per Read: the configured cap and the server's MaxNodesPerRead (0 = no limit), with
   * {@code fallback} when neither sets one.
   */
  public static int readSize(int configured, long serverLimit, int fallback) {
    int server = serverLimit <= 0 || serverLimit > Integer.MAX_VALUE ? 0 : (int) serverLimit;
    if (configured > 0 && server > 0) {
      return Math.min(configured, server);
    }
    if (configured > 0) {
      return configured;
    }
    return server > 0 ? server : fallback;
  }
}
