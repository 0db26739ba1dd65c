package io.ferry.drivers.opcua;

import java.nio.file.Path;

/**
 * Where an instrument's private state lives under the agent's state directory. The runtime and the
 * {@code ferry opcua} / {@code ferry browse} commands must agree on it, or {@code trust} would
 * write where the driver does not look.
 */
public final class InstrumentState {
  private InstrumentState() {}

  /** {@code <agent stateDir>/instruments/<instrument id>}. */
  public static Path dir(Path agentStateDir, String instrument) {
    return agentStateDir.resolve("instruments").resolve(instrument);
  }
}
