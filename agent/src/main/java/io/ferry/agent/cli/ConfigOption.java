package io.ferry.agent.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config DIR} option shared by every command that reads a configuration. */
public final class ConfigOption {
  public static final String DEFAULT = "/etc/ferry";

  @Option(
      names = {"-c", "--config"},
      paramLabel = "DIR",
      defaultValue = DEFAULT,
      description = "Configuration directory holding agent.yaml and instruments.d/ (default: ${DEFAULT-VALUE}).")
  Path dir;

  public Path dir() {
    return dir;
  }
}
