package io.ferry.agent.cli;

import io.ferry.buffer.WriteAudit;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry writes}: the write audit (every write to an instrument, from every source) read
 * straight from the buffer's database with a read-only connection: the same beside a running
 * service, after it stopped, or after a restart.
 */
@Command(
    name = "writes",
    mixinStandardHelpOptions = true,
    description = {"Show the latest writes to instruments (time, source, channel, value, outcome, duration) from the write audit."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the audit was read (also when it holds no writes)", "1:the configuration has errors",
        "3:the buffer database cannot be read"})
public final class WritesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "DIR", defaultValue = ConfigOption.DEFAULT,
      description = "Configuration directory holding agent.yaml (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--last", paramLabel = "N", defaultValue = "50", description = "How many of the newest writes (default: ${DEFAULT-VALUE}).")
  int last;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      BufferDatabase.Lookup lookup = BufferDatabase.fromConfig(dir);
      if (lookup.database().isEmpty()) {
        lookup.problems().forEach(err::println);
        err.println("cannot read " + lookup.agentFile());
        return Main.EXIT_INVALID;
      }
      Path db = lookup.database().get();
      List<WriteAudit.Entry> entries;
      try {
        entries = WriteAudit.read(db, Math.max(1, last));
      } catch (SQLException e) {
        err.println("cannot read the write audit in " + db + ": " + io.ferry.config.IoCauses.message(e));
        return Main.EXIT_RUNTIME;
      }
      if (entries.isEmpty()) {
        out.println("no writes recorded in " + db);
        return Main.EXIT_OK;
      }
      for (WriteAudit.Entry e : entries) {
        out.println(line(e));
      }
      return Main.EXIT_OK;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** {@code 2026-01-01T00:00:00Z cli plc1/setpoint = 42.5 applied in 12ms (the device acknowledged ...)} */
  static String line(WriteAudit.Entry e) {
    return e.time() + " " + e.source() + " " + e.channel() + " = " + e.value() + " " + e.outcome() + " in " + e.duration().toMillis() + "ms"
        + (e.detail().isEmpty() ? "" : " (" + e.detail() + ")");
  }
}
