package io.ferry.agent.runtime;

import io.ferry.agent.plan.AgentPlanner;
import io.ferry.config.Problem;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a running agent from its configuration directory (on SIGHUP): plans everything first;
 * any problem refuses the whole reload, logs every problem with its file:line:column and leaves
 * the previous configuration running; otherwise {@link Agent#reload} applies the difference. The
 * planner must be built on the same components as the running plan, so a changed serial
 * instrument reuses the bus its unchanged neighbours hold.
 */
public final class Reloader {
  private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

  private final Agent agent;
  private final Path configDir;
  private final AgentPlanner planner;
  private volatile ReloadOutcome last;

  public Reloader(Agent agent, Path configDir, AgentPlanner planner) {
    this.agent = agent;
    this.configDir = configDir;
    this.planner = planner;
  }

  public synchronized ReloadOutcome reload() {
    LOG.info("reloading the configuration in {}", configDir);
    AgentPlanner.Result result = planner.plan(configDir);
    ReloadOutcome outcome;
    if (!result.ok()) {
      for (Problem p : result.problems()) {
        LOG.error("reload: {}", p);
      }
      outcome = new ReloadOutcome.Refused(result.problems().stream().map(Problem::toString).toList());
    } else {
      outcome = agent.reload(result.plan().orElseThrow());
      if (outcome instanceof ReloadOutcome.Refused r) {
        r.reasons().forEach(reason -> LOG.error("reload: {}", reason));
      }
    }
    if (outcome instanceof ReloadOutcome.Refused) {
      LOG.error("{}", outcome.line());
    }
    last = outcome;
    return outcome;
  }

  /** The last reload's outcome, if there was one. */
  public Optional<ReloadOutcome> last() {
    return Optional.ofNullable(last);
  }

  /** For the status line: why the last reload was refused (or what failed to start); empty when all is well. */
  public Optional<String> statusFragment() {
    ReloadOutcome o = last;
    if (o instanceof ReloadOutcome.Refused) {
      return Optional.of(o.line());
    }
    if (o instanceof ReloadOutcome.Applied a && !a.failures().isEmpty()) {
      return Optional.of(o.line());
    }
    return Optional.empty();
  }
}
