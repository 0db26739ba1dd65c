package io.ferry.agent.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ferry check}: validates the whole configuration (every file, every driver's and
 * uplink's keys, secret references) without touching a device or the network, and prints every
 * error at once.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Validate agent.yaml and every instruments.d/*.yaml without touching devices or the network.",
      "Prints every error as file:line:column path: message."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the configuration is valid", "1:the configuration has errors (all are printed)"})
public final class CheckCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    return config.reportPlan(out, plan -> out.println("configuration OK: " + config.dir() + ": " + plan.instruments().size()
        + " instruments, " + plan.channels().size() + " channels, " + plan.uplinks().size() + " uplinks"));
  }
}
