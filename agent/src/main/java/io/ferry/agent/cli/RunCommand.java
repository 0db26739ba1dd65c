package io.ferry.agent.cli;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.http.Observatory;
import io.ferry.agent.http.StatusServer;
import io.ferry.agent.runtime.Agent;
import io.ferry.agent.runtime.PollListener;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry run}: the service. Stops cleanly on SIGTERM/SIGINT: drivers stop, the queue is flushed and closed. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the agent: poll instruments, buffer every sample, upload. Stops cleanly on SIGTERM or Ctrl-C.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped cleanly", "1:the configuration has errors (all are printed)", "3:could not start (buffer, state directory)"})
public final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = "--status-every", defaultValue = "1m", paramLabel = "DURATION",
      description = "How often to log a status line (default: ${DEFAULT-VALUE}).", converter = DurationConverter.class)
  Duration statusEvery;

  @Override
  public Integer call() throws Exception {
    Optional<AgentPlan> plan = config.planOrReport(spec.commandLine().getErr());
    if (plan.isEmpty()) {
      LOG.error("not starting: the configuration in {} has errors (printed above)", config.dir());
      return Main.EXIT_INVALID;
    }
    return runUntilStopped(plan.get(), statusEvery, line -> LOG.info("{}", line), null, url -> {});
  }

  /**
   * Starts the agent, reports status every {@code every}, and stops cleanly on JVM shutdown
   * (SIGTERM, Ctrl-C) or when {@code stopAfter} elapses.
   */
  static int runUntilStopped(AgentPlan plan, Duration every, java.util.function.Consumer<String> status, Duration stopAfter,
      java.util.function.Consumer<java.net.URI> serving) throws InterruptedException {
    Agent agent;
    // The status server (agent.yaml http:) watches the agent from its start: poll latency is measured as it happens.
    // It listens before the agent starts, so its URL is known (and printed) first; until the agent
    // runs it answers 503 "starting".
    Observatory observatory = plan.http().map(h -> Observatory.create(plan, h, InstantSource.system())).orElse(null);
    StatusServer server = observatory == null ? null : startStatusServer(observatory, serving);
    try {
      agent = Agent.start(plan, InstantSource.system(), observatory == null ? PollListener.NONE : observatory);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(RunCommand.class).error("cannot start: {}", e.getMessage(), e);
      if (server != null) {
        server.close();
      }
      return Main.EXIT_RUNTIME;
    }
    if (observatory != null) {
      observatory.attach(agent::snapshot);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "ferry-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long deadline = stopAfter == null ? Long.MAX_VALUE : System.nanoTime() + stopAfter.toNanos();
    try {
      while (true) {
        long waitNanos = Math.min(every.toNanos(), deadline - System.nanoTime());
        if (waitNanos <= 0 || stop.await(waitNanos, java.util.concurrent.TimeUnit.NANOSECONDS)) {
          break;
        }
        status.accept(agent.status().line());
      }
    } finally {
      if (server != null) {
        server.close();
      }
      if (observatory != null) {
        observatory.close();
      }
      agent.close();
      status.accept("stopped: " + agent.status().line());
      stopped.countDown();
      if (stop.getCount() > 0) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is already stopping: the hook is running and waits for us
        }
      }
    }
    return Main.EXIT_OK;
  }

  /** Serves health, metrics and the status page; a server that cannot listen is logged and the agent runs on without it. */
  private static StatusServer startStatusServer(Observatory observatory, java.util.function.Consumer<java.net.URI> serving) {
    try {
      StatusServer server = StatusServer.start(observatory);
      serving.accept(server.uri()); // ferry demo prints it: before any log line
      LOG.info("status server listening on {}{}", server.uri(), server.tokenRequired() ? " (bearer token required)" : "");
      return server;
    } catch (java.io.IOException e) {
      LOG.error("the status server cannot listen on {}:{} ({}); the agent runs on without it", observatory.settings().host(),
          observatory.settings().port(), e.getMessage());
      return null;
    }
  }
}
