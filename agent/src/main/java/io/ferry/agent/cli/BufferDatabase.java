package io.ferry.agent.cli;

import io.ferry.config.AgentConfig;
import io.ferry.config.ConfigLoader;
import io.ferry.config.Problem;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the buffer database from a configuration directory ({@code --config DIR}): agent.yaml's
 * {@code buffer.path}. Shared by the commands that open the database themselves ({@code ferry
 * buffer}, {@code ferry mirror}); each decides which of the problems stop it and how to say so.
 * Loaded through {@link ScopedConfig}, like every command about part of a configuration.
 */
final class BufferDatabase {
  private BufferDatabase() {}

  /**
   * What reading {@code dir}'s agent.yaml gave.
   *
   * @param agent the agent configuration, empty when agent.yaml could not be read at all
   * @param problems every problem the loader reported, in its order
   */
  record Lookup(Path dir, Optional<AgentConfig> agent, List<Problem> problems) {
    /** The buffer's database file, when agent.yaml could be read. */
    Optional<Path> database() {
      return agent.map(a -> a.buffer().path());
    }

    /** The agent.yaml that was read, for messages. */
    Path agentFile() {
      return dir.resolve(ConfigLoader.AGENT_FILE);
    }
  }

  static Lookup fromConfig(Path dir) {
    ScopedConfig scoped = ScopedConfig.load(dir, Set.of());
    return new Lookup(dir, scoped.loaded().agent(), scoped.problems());
  }
}
