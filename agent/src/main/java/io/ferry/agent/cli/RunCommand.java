package io.ferry.agent.cli;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.AgentPlanner;
import io.ferry.agent.plan.StandardComponents;
import io.ferry.agent.http.Observatory;
import io.ferry.agent.http.StatusServer;
import io.ferry.agent.runtime.Agent;
import io.ferry.agent.runtime.PollListener;
import io.ferry.agent.runtime.Reloader;
import io.ferry.agent.systemd.Notifier;
import io.ferry.agent.systemd.NotifySocket;
import io.ferry.agent.systemd.PidFile;
import io.ferry.agent.systemd.ServiceNotifier;
import io.ferry.config.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code ferry run}: the service. SIGTERM and SIGINT stop it cleanly (drivers stop, the queue is
 * flushed and closed) with exit 0; SIGHUP reloads the configuration directory. Under systemd it
 * speaks the notify protocol (READY, STATUS, WATCHDOG, RELOADING, STOPPING).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the agent: poll instruments, buffer every sample, upload. Stops cleanly on SIGTERM or Ctrl-C.",
      "SIGHUP (or `ferry reload`) re-reads the configuration: only added, removed and changed instruments and",
      "uplinks are touched; an invalid configuration is refused and the running one kept."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped cleanly (SIGTERM, Ctrl-C)", "1:the configuration has errors (all are printed)", "3:could not start (buffer, state directory)"})
public final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = "--status-every", defaultValue = "1m", paramLabel = "DURATION",
      description = "How often to log a status line (default: ${DEFAULT-VALUE}).", converter = DurationConverter.class)
  Duration statusEvery;

  /** A status line more often than this floods the journal; 0 would stop the service at once. */
  static final Duration MIN_STATUS_EVERY = Duration.ofSeconds(1);

  @Option(names = "--stall-after", defaultValue = "2m", paramLabel = "DURATION",
      description = "A poll stuck in a driver past its timeout, a tick thread or an uplink step this long stops the systemd watchdog pings (default: ${DEFAULT-VALUE}).",
      converter = DurationConverter.class)
  Duration stallAfter;

  private enum Event { STOP, RELOAD }

  @Override
  public Integer call() throws Exception {
    if (statusEvery.compareTo(MIN_STATUS_EVERY) < 0) {
      throw new ParameterException(spec.commandLine(),
          "--status-every must be at least " + Durations.format(MIN_STATUS_EVERY) + ", got " + Durations.format(statusEvery));
    }
    AgentPlanner planner = new AgentPlanner(StandardComponents.create(), System::getenv);
    Optional<AgentPlan> plan = ConfigOption.planOrReport(planner, config.dir(), spec.commandLine().getErr());
    if (plan.isEmpty()) {
      LOG.error("not starting: the configuration in {} has errors (printed above)", config.dir());
      return Main.EXIT_INVALID;
    }
    Optional<String> unusable = unusableStateDir(plan.get());
    if (unusable.isPresent()) {
      LOG.error("not starting: {}", unusable.get());
      return Main.EXIT_RUNTIME;
    }
    Service service = new Service(planner, config.dir(), NotifySocket.fromEnvironment(System.getenv()),
        NotifySocket.watchdog(System.getenv(), ProcessHandle.current().pid()), stallAfter);
    return run(plan.get(), statusEvery, line -> LOG.info("{}", line), null, service, url -> {});
  }

  /** The state directory or the buffer's directory cannot be used: one line naming which and why. */
  static Optional<String> unusableStateDir(AgentPlan plan) {
    Optional<String> state = StateDirs.problem(plan.stateDir()).map(p -> "stateDir " + p);
    if (state.isPresent()) {
      return state;
    }
    Path bufferDir = plan.buffer().file().toAbsolutePath().getParent();
    return bufferDir == null ? Optional.empty() : StateDirs.problem(bufferDir).map(p -> "buffer directory " + p);
  }

  /** What only the service does: reload, systemd notification, signals, the pid file. */
  record Service(AgentPlanner planner, Path configDir, Notifier notifier, Optional<Duration> watchdog, Duration stallAfter) {}

  /**
   * Starts the agent, reports status every {@code every}, and stops cleanly on JVM shutdown
   * (Ctrl-C) or when {@code stopAfter} elapses (the demo).
   */
  static int runUntilStopped(AgentPlan plan, Duration every, Consumer<String> status, Duration stopAfter,
      Consumer<java.net.URI> serving) throws InterruptedException {
    return run(plan, every, status, stopAfter, null, serving);
  }

  private static int run(AgentPlan plan, Duration every, Consumer<String> status, Duration stopAfter, Service service,
      Consumer<java.net.URI> serving) throws InterruptedException {
    Agent agent;
    // The status server (agent.yaml http:) watches the agent from its start: poll latency is measured as it happens.
    // It listens before the agent starts, so its URL is known (and printed) first; until the agent
    // runs it answers 503 "starting".
    Observatory observatory = plan.http().map(h -> Observatory.create(plan, h, InstantSource.system())).orElse(null);
    StatusServer server = observatory == null ? null : startStatusServer(observatory, serving);
    try {
      agent = Agent.start(plan, InstantSource.system(), observatory == null ? PollListener.NONE : observatory);
    } catch (RuntimeException e) {
      // One line: the cause (locked by another process, unreadable database) is in the message.
      LoggerFactory.getLogger(RunCommand.class).error("cannot start: {}", Main.describe(e));
      LoggerFactory.getLogger(RunCommand.class).debug("cannot start", e);
      if (server != null) {
        server.close();
      }
      return Main.EXIT_RUNTIME;
    }
    if (observatory != null) {
      observatory.attach(agent::snapshot);
    }
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    CountDownLatch stopped = new CountDownLatch(1);
    // Fallback for a JVM shutdown we did not catch as a signal (the demo's Ctrl-C, System.exit elsewhere).
    Thread hook = new Thread(() -> {
      events.add(Event.STOP);
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "ferry-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    Reloader reloader = service == null ? null : new Reloader(agent, service.configDir(), service.planner());
    ServiceNotifier notifier = null;
    List<Runnable> restoreSignals = new ArrayList<>();
    Path pidFile = PidFile.in(plan.stateDir());
    long pid = ProcessHandle.current().pid();
    if (service != null) {
      // Handling TERM ourselves keeps the JVM from exiting with 143: we stop, then return 0.
      handle("TERM", () -> events.add(Event.STOP), restoreSignals);
      handle("INT", () -> events.add(Event.STOP), restoreSignals);
      handle("HUP", () -> events.add(Event.RELOAD), restoreSignals);
      try {
        PidFile.write(pidFile, pid);
      } catch (IOException e) {
        LOG.warn("cannot write {} (`ferry reload` will not find this process; SIGHUP still works): {}", pidFile, io.ferry.config.IoCauses.message(e));
      }
      notifier = new ServiceNotifier(service.notifier(), () -> statusLine(agent, reloader),
          () -> agent.stalled(service.stallAfter()), service.watchdog());
      notifier.ready();
      notifier.start();
    }
    long deadline = stopAfter == null ? Long.MAX_VALUE : System.nanoTime() + stopAfter.toNanos();
    long nextStatus = System.nanoTime() + every.toNanos();
    try {
      while (true) {
        long now = System.nanoTime();
        if (now - deadline >= 0) {
          break;
        }
        if (now - nextStatus >= 0) {
          status.accept(statusLine(agent, reloader));
          nextStatus = now + every.toNanos();
          continue;
        }
        Event e = events.poll(Math.min(nextStatus - now, deadline - now), TimeUnit.NANOSECONDS);
        if (e == Event.STOP) {
          break;
        }
        if (e == Event.RELOAD && reloader != null) {
          notifier.reloading();
          reloader.reload();
          notifier.reloaded();
        }
      }
    } finally {
      if (notifier != null) {
        notifier.stopping();
        notifier.close();
      }
      if (server != null) {
        server.close();
      }
      if (observatory != null) {
        observatory.close();
      }
      agent.close();
      status.accept("stopped: " + agent.status().line());
      if (service != null) {
        PidFile.remove(pidFile, pid);
      }
      restoreSignals.forEach(Runnable::run);
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already stopping: the hook is running and waits for us
      }
    }
    return Main.EXIT_OK;
  }

  private static String statusLine(Agent agent, Reloader reloader) {
    String line = agent.plan().instruments().size() + " instruments | " + agent.status().line();
    return reloader == null ? line : reloader.statusFragment().map(f -> line + " | " + f).orElse(line);
  }

  private static void handle(String name, Runnable action, List<Runnable> restore) {
    try {
      Signal signal = new Signal(name);
      SignalHandler previous = Signal.handle(signal, s -> action.run());
      restore.add(() -> Signal.handle(signal, previous));
    } catch (IllegalArgumentException e) {
      // -Xrs or a signal the JVM reserves: the shutdown hook still stops us on TERM (exit 143)
      LOG.warn("cannot handle SIG{}: {}", name, io.ferry.config.IoCauses.message(e));
    }
  }

  /** Serves health, metrics and the status page; a server that cannot listen is logged and the agent runs on without it. */
  private static StatusServer startStatusServer(Observatory observatory, Consumer<java.net.URI> serving) {
    try {
      StatusServer server = StatusServer.start(observatory);
      serving.accept(server.uri()); // ferry demo prints it: before any log line
      LOG.info("status server listening on {}{}", server.uri(), server.tokenRequired() ? " (bearer token required)" : "");
      return server;
    } catch (IOException e) {
      LOG.error("the status server cannot listen on {}:{} ({}); the agent runs on without it", observatory.settings().host(),
          observatory.settings().port(), e.getMessage());
      return null;
    }
  }
}
