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
import io.ferry.agent.systemd.Signals;
import io.ferry.config.Durations;
import io.ferry.config.HttpSettings;
import io.ferry.config.IoCauses;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ferry run}: the service. SIGTERM and SIGINT stop it cleanly (drivers stop, the queue is
 * flushed and closed) with exit 0, from the first moment of the command, start-up included; SIGHUP
 * reloads the configuration directory. A configured status server that cannot listen is a start
 * failure (exit 3): health must not silently be missing. Under systemd it
 * speaks the notify protocol (READY, STATUS, WATCHDOG, RELOADING, STOPPING).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the agent: poll instruments, buffer every sample, upload.",
      "SIGTERM or Ctrl-C at any moment, start-up included, stops it cleanly with exit 0 (drivers stop, the queue is flushed and closed; logged).",
      "SIGHUP (or `ferry reload`) re-reads the configuration: only added, removed and changed instruments and",
      "uplinks are touched; an invalid configuration is refused and the running one kept."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped cleanly (SIGTERM, Ctrl-C)", "1:the configuration has errors (all are printed)", "3:could not start (buffer, state directory, or the status server cannot listen on http.listen)"})
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
      description = "A poll stuck in a driver, a tick thread or an uplink step this long past its own deadline (an uplink call: its timeout) stops the systemd watchdog pings (default: ${DEFAULT-VALUE}).",
      converter = DurationConverter.class)
  Duration stallAfter;

  private enum Event { STOP, RELOAD }

  @Override
  public Integer call() throws Exception {
    if (statusEvery.compareTo(MIN_STATUS_EVERY) < 0) {
      throw new ParameterException(spec.commandLine(),
          "--status-every must be at least " + Durations.format(MIN_STATUS_EVERY) + ", got " + Durations.format(statusEvery));
    }
    // Before anything else: a SIGTERM while the configuration is read or the agent starts is a clean stop too.
    try (Requests requests = Requests.fromSignals(true)) {
      LOG.info("starting: configuration {}", config.dir());
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
      return run(plan.get(), statusEvery, line -> LOG.info("{}", line), null, service, url -> {}, requests);
    }
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

  /** What only the service does: reload, systemd notification, the pid file. */
  record Service(AgentPlanner planner, Path configDir, Notifier notifier, Optional<Duration> watchdog, Duration stallAfter) {}

  /**
   * Stop and reload requests. Installed as the first thing {@code run} and {@code demo} do, so
   * SIGTERM or Ctrl-C at any moment after that (reading the configuration, opening the buffer,
   * running) ends in the same clean stop with exit 0; the JVM's default would exit 143 or 130,
   * during start-up without a word in the log.
   */
  static final class Requests implements AutoCloseable {
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Signals.Handlers handlers = Signals.handlers();
    private final AtomicReference<String> stopCause = new AtomicReference<>();
    private boolean reloads;

    private Requests() {}

    /** SIGTERM and SIGINT ask for a clean stop; SIGHUP for a reload when {@code reload}. */
    static Requests fromSignals(boolean reload) {
      Requests r = new Requests();
      r.handlers.on("TERM", () -> r.stop("SIGTERM"));
      r.handlers.on("INT", () -> r.stop("SIGINT"));
      if (reload) {
        r.reloads = true;
        r.handlers.on("HUP", r::reloadRequested);
      }
      return r;
    }

    private void reloadRequested() {
      events.add(Event.RELOAD);
    }

    /**
     * After a start or a reload with {@code plan}: keeps SIGHUP a reload. A serial line's native
     * library sets SIGHUP to ignored when it loads (see {@link io.ferry.drivers.serial.SerialLibrary}),
     * which would turn every later {@code systemctl reload} into nothing, silently; so it is loaded
     * here, not on some poll thread later, and SIGHUP is taken back at once.
     */
    void keepReloadSignal(AgentPlan plan) {
      if (!reloads) {
        return;
      }
      boolean serialLine = plan.instruments().stream()
          .anyMatch(i -> i.info().driver().equals("serial") || i.info().driver().equals("modbus-rtu"));
      if (serialLine) {
        io.ferry.drivers.serial.SerialLibrary.load();
      }
      if (handlers.reclaim("HUP", this::reloadRequested)) {
        LOG.info("SIGHUP is a reload again (the serial library had set it to ignored when it loaded)");
      }
    }

    /** Asks for a clean stop, logged with its cause: a second Ctrl-C while stopping changes nothing but says so. */
    void stop(String cause) {
      if (stopCause.compareAndSet(null, cause)) {
        LOG.info("{} received: stopping", cause);
      } else {
        LOG.info("{} received: already stopping (drivers stop, the queue is flushed and closed)", cause);
      }
      events.add(Event.STOP);
    }

    /** Why a stop was asked for, if it was. */
    Optional<String> stopCause() {
      return Optional.ofNullable(stopCause.get());
    }

    Event next(long nanos) throws InterruptedException {
      return events.poll(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
      handlers.close();
    }
  }

  /**
   * Starts the agent, reports status every {@code every}, and stops cleanly on SIGTERM or Ctrl-C
   * or when {@code stopAfter} elapses (the demo).
   */
  static int runUntilStopped(AgentPlan plan, Duration every, Consumer<String> status, Duration stopAfter,
      Consumer<java.net.URI> serving, Requests requests) throws InterruptedException {
    return run(plan, every, status, stopAfter, null, serving, requests);
  }

  private static int run(AgentPlan plan, Duration every, Consumer<String> status, Duration stopAfter, Service service,
      Consumer<java.net.URI> serving, Requests requests) throws InterruptedException {
    if (requests.stopCause().isPresent()) {
      LOG.info("stopped before the agent started ({}); nothing was running", requests.stopCause().get());
      return Main.EXIT_OK;
    }
    Agent agent;
    // The status server (agent.yaml http:) watches the agent from its start: poll latency is measured as it happens.
    // It listens before the agent starts, so its URL is known (and printed) first; until the agent
    // runs it answers 503 "starting".
    Observatory observatory = plan.http().map(h -> Observatory.create(plan, h, InstantSource.system())).orElse(null);
    StatusServer server = null;
    if (observatory != null) {
      try {
        server = startStatusServer(observatory, serving);
      } catch (IOException e) {
        // Health is what systemd, Prometheus and the operator watch: without it the agent must not run unseen.
        LOG.error("cannot start: {}", cannotListen(observatory.settings(), e));
        observatory.close();
        return Main.EXIT_RUNTIME;
      }
    }
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
      observatory.attachWrites(agent.writes());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // Fallback for a JVM shutdown we did not catch as a signal (System.exit elsewhere, -Xrs).
    Thread hook = new Thread(() -> {
      requests.stop("JVM shutdown");
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "ferry-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    requests.keepReloadSignal(agent.plan());
    Reloader reloader = service == null ? null : new Reloader(agent, service.configDir(), service.planner());
    ServiceNotifier notifier = null;
    Path pidFile = PidFile.in(plan.stateDir());
    long pid = ProcessHandle.current().pid();
    if (service != null) {
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
      while (requests.stopCause().isEmpty()) {
        long now = System.nanoTime();
        if (now - deadline >= 0) {
          break;
        }
        if (now - nextStatus >= 0) {
          status.accept(statusLine(agent, reloader));
          nextStatus = now + every.toNanos();
          continue;
        }
        Event e = requests.next(Math.min(nextStatus - now, deadline - now));
        if (e == Event.STOP) {
          break;
        }
        if (e == Event.RELOAD && reloader != null) {
          notifier.reloading();
          reloader.reload();
          requests.keepReloadSignal(agent.plan());
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

  /** Serves health, metrics and the status page; throws when it cannot listen (a start failure). */
  private static StatusServer startStatusServer(Observatory observatory, Consumer<java.net.URI> serving) throws IOException {
    StatusServer server = StatusServer.start(observatory);
    serving.accept(server.uri()); // ferry demo prints it: before any log line
    LOG.info("status server listening on {}{}", server.uri(), server.tokenRequired() ? " (bearer token required)" : "");
    return server;
  }

  /** {@code the status server cannot listen on 127.0.0.1:9108 (http.listen): address already in use}. */
  static String cannotListen(HttpSettings settings, IOException e) {
    String cause = IoCauses.describe(e);
    cause = cause.isEmpty() ? cause : Character.toLowerCase(cause.charAt(0)) + cause.substring(1);
    String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
    return "the status server cannot listen on " + host + ":" + settings.port() + " (http.listen): " + cause;
  }
}
