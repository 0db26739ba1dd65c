package io.ferry.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ferry} command. Exit codes: 0 success; 1 invalid configuration or a failed check;
 * 2 usage error (unknown option, missing argument); 3 runtime failure (cannot open the buffer,
 * cannot reach a device in a probe).
 */
@Command(
    name = "ferry",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "Ferry edge agent: polls instruments, buffers every sample in SQLite, uploads to the cloud.",
    subcommands = {
      RunCommand.class,
      CheckCommand.class,
      PlanCommand.class,
      DemoCommand.class,
      StatusCommand.class,
      BufferCommand.class,
      ProbeCommand.class,
      BrowseCommand.class,
      OpcUaCommand.class,
      AtomscaleCommand.class,
      MirrorCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class,
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:invalid configuration or failed check",
      "2:usage error",
      "3:runtime failure"
    })
public final class Main implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_INVALID = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_RUNTIME = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(e -> EXIT_RUNTIME);
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
