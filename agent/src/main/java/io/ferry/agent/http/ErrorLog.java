package io.ferry.agent.http;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest distinct errors for the status page: an error is noted when a part's last error
 * changes to a new non-empty text, so a failure repeating every poll is one line, not hundreds.
 * Texts that differ only in their numbers ("poll 62", "next attempt at 21:33:28") are the same
 * failure repeating.
 */
final class ErrorLog {
  /** One error: when it was first seen, where, what. */
  record Entry(long millis, String source, String message) {}

  private final int capacity;
  private final Deque<Entry> entries = new ArrayDeque<>();
  private final Map<String, String> last = new HashMap<>();

  ErrorLog(int capacity) {
    this.capacity = capacity;
  }

  synchronized void note(String source, String message, long millis) {
    String before = last.put(source, message);
    if (message.isEmpty() || (before != null && shape(message).equals(shape(before)))) {
      return;
    }
    entries.addLast(new Entry(millis, source, message));
    while (entries.size() > capacity) {
      entries.removeFirst();
    }
  }

  static String shape(String message) {
    return message.replaceAll("[0-9]+", "#");
  }

  /** Newest first. */
  synchronized List<Entry> entries() {
    List<Entry> out = new ArrayList<>(entries);
    java.util.Collections.reverse(out);
    return out;
  }
}
