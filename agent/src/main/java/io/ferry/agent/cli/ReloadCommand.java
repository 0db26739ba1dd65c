package io.ferry.agent.cli;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.systemd.PidFile;
import io.ferry.agent.systemd.Signals;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ferry reload}: validates the configuration here first (printing every error), then sends
 * SIGHUP to the service named by {@code STATE_DIR/ferry.pid}. The service validates again, applies
 * only what changed, and keeps its running configuration when anything is wrong.
 */
@Command(
    name = "reload",
    mixinStandardHelpOptions = true,
    description = {
      "Check the configuration, then tell the running service to reload it (SIGHUP; the same as `systemctl reload ferry`).",
      "Only added, removed and changed instruments and uplinks are restarted; the buffer is untouched."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the service was told to reload", "1:the configuration has errors (all are printed; nothing was sent)",
        "3:no running service was found"})
public final class ReloadCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<AgentPlan> plan = config.planOrReport(err);
    if (plan.isEmpty()) {
      err.println("not reloading: the running service keeps its configuration");
      err.flush();
      return Main.EXIT_INVALID;
    }
    Path pidFile = PidFile.in(plan.get().stateDir());
    OptionalLong pid = PidFile.read(pidFile);
    if (pid.isEmpty() || ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false) == false) {
      err.println("no running ferry found: " + pidFile + (pid.isEmpty() ? " does not exist" : " names process " + pid.getAsLong() + ", which is not running"));
      err.flush();
      return Main.EXIT_RUNTIME;
    }
    if (!Signals.hangUp(pid.getAsLong())) {
      err.println("cannot signal process " + pid.getAsLong() + " (run as root or as the ferry user)");
      err.flush();
      return Main.EXIT_RUNTIME;
    }
    out.println("asked ferry (process " + pid.getAsLong() + ") to reload " + config.dir() + "; its log (journalctl -u ferry) says what changed");
    out.flush();
    return Main.EXIT_OK;
  }
}
