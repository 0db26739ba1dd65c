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
      ReloadCommand.class,
      CheckCommand.class,
      PlanCommand.class,
      DemoCommand.class,
      StatusCommand.class,
      WriteCommand.class,
      WritesCommand.class,
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
    return commandLine().execute(args);
  }

  /**
   * The {@code ferry} command line with its exit codes: a usage error (unknown option, missing
   * or malformed value, unknown subcommand, extra argument) is 2, printed by picocli with the
   * usage; a failure while running is 3, printed as one line without a stack trace.
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_RUNTIME);
    cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
      cmd.getErr().println("ferry " + cmd.getCommandName() + ": " + describe(e));
      cmd.getErr().flush();
      LOG.debug("ferry {} failed", cmd.getCommandName(), e);
      return EXIT_RUNTIME;
    });
    return cl;
  }

  /** One line for a failure: the cause in words for file-system errors, else the message. */
  static String describe(Throwable e) {
    Throwable t = e instanceof java.io.UncheckedIOException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
      return f.getFile() + ": " + io.ferry.config.IoCauses.describe(f);
    }
    if (t instanceof java.io.IOException) {
      return io.ferry.config.IoCauses.describe(t);
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? "unexpected internal error (run with debug logging for details)" : m.lines().findFirst().orElse(m);
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Main.class);

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
