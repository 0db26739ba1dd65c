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

    @Override
    void close();
  }
}
