package io.ferry.drivers.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What must survive a restart for the persistent session to work, kept in the instrument's
 * state directory: the generated client id ({@code mqtt-client-id}) and the subscriptions the
 * broker's session already holds ({@code mqtt-subscriptions}).
 *
 * <p>Why the subscriptions are remembered: subscribing again to a filter the session already
 * has makes the broker resend its retained messages, which would store the same old values once
 * more after every reconnect. So on a resumed session Ferry subscribes only to filters that are
 * new since the last run (and unsubscribes the ones removed from the YAML).
 */
final class SessionState {
  static final String CLIENT_ID_FILE = "mqtt-client-id";
  static final String SUBSCRIPTIONS_FILE = "mqtt-subscriptions";

  private SessionState() {}

  /** The subscription changes to make after CONNACK. Entries are {@code "<qos> <filter>"}. */
  record Delta(List<String> subscribe, List<String> unsubscribe) {
    boolean isEmpty() {
      return subscribe.isEmpty() && unsubscribe.isEmpty();
    }
  }

  /**
   * @param sessionPresent the broker's CONNACK flag
   * @param previous the entries stored after the last successful subscribe with this client id,
   *     empty when unknown (then everything is subscribed)
   * @param wanted the filters of the plan
   */
  static Delta delta(boolean sessionPresent, Optional<Set<String>> previous, List<String> wanted, int qos) {
    List<String> subscribe = new ArrayList<>();
    List<String> unsubscribe = new ArrayList<>();
    Set<String> wantedFilters = new LinkedHashSet<>(wanted);
    if (!sessionPresent || previous.isEmpty()) {
      subscribe.addAll(wanted);
      return new Delta(subscribe, unsubscribe);
    }
    for (String f : wanted) {
      if (!previous.get().contains(entry(qos, f))) {
        subscribe.add(f);
      }
    }
    for (String e : previous.get()) {
      String filter = e.substring(e.indexOf(' ') + 1);
      if (!wantedFilters.contains(filter)) {
        unsubscribe.add(filter);
      }
    }
    return new Delta(subscribe, unsubscribe);
  }

  static String entry(int qos, String filter) {
    return qos + " " + filter;
  }

  /** The stored client id, or a new one ({@code ferry-<instrument>-<random>}) written for next time. */
  static String clientId(Path stateDir, String instrument, Supplier<String> random) throws IOException {
    Path file = stateDir.resolve(CLIENT_ID_FILE);
    if (Files.isRegularFile(file)) {
      String id = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (!id.isEmpty()) {
        return id;
      }
    }
    String id = "ferry-" + instrument + "-" + random.get();
    write(file, id + "\n");
    return id;
  }

  /** The entries stored for {@code clientId}; empty when none or stored for another client id. */
  static Optional<Set<String>> subscriptions(Path stateDir, String clientId) {
    Path file = stateDir.resolve(SUBSCRIPTIONS_FILE);
    try {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.get(0).equals("client " + clientId)) {
        return Optional.empty();
      }
      Set<String> out = new LinkedHashSet<>();
      for (String l : lines.subList(1, lines.size())) {
        if (l.matches("[012] .+")) {
          out.add(l);
        }
      }
      return Optional.of(out);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static void storeSubscriptions(Path stateDir, String clientId, Set<String> entries) throws IOException {
    StringBuilder sb = new StringBuilder("client ").append(clientId).append('\n');
    for (String e : entries) {
      sb.append(e).append('\n');
    }
    write(stateDir.resolve(SUBSCRIPTIONS_FILE), sb.toString());
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
