package io.ferry.agent.plan;

import java.util.List;

/** A planned optional service and how to start it once the buffer is open. */
public interface PlannedExtra {
  String name();

  List<String> describe();

  /** Starts the service; the returned handle stops it. */
  RunningExtra start(ExtraContext context);

  /** A started service. */
  interface RunningExtra extends AutoCloseable {
    /** One short status fragment for the status line, or empty. */
    default String statusFragment() {
      return "";
    }

    /** The subscription mirror's status, for health and metrics; empty for other services. */
    default java.util.Optional<io.ferry.mirror.MirrorStatus> mirrorStatus() {
      return java.util.Optional.empty();
    }

    @Override
    void close();
  }
}
