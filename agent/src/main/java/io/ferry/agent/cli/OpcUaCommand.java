package io.ferry.agent.cli;

import io.ferry.config.AgentConfig;
import io.ferry.config.ConfigLoader;
import io.ferry.config.InstrumentConfig;
import io.ferry.config.Problem;
import io.ferry.drivers.opcua.InstrumentState;
import io.ferry.drivers.opcua.OpcUaConnectException;
import io.ferry.drivers.opcua.OpcUaDriverFactory;
import io.ferry.drivers.opcua.OpcUaPlan;
import io.ferry.drivers.opcua.ServerCertificates;
import io.ferry.drivers.opcua.security.ServerTrust;
import io.ferry.drivers.opcua.security.Thumbprints;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry opcua ...}: OPC UA maintenance. */
@Command(name = "opcua", mixinStandardHelpOptions = true, description = "OPC UA tools.",
    subcommands = {OpcUaCommand.Trust.class})
public final class OpcUaCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code ferry opcua trust --config DIR --instrument X}: fetches the server certificate of the
   * instrument's endpoint (GetEndpoints, no session), shows who it claims to be and its
   * thumbprints, and stores it in the instrument's trust directory. With
   * {@code --expect-thumbprint} it stores only a certificate with that SHA-1 thumbprint.
   */
  @Command(name = "trust", mixinStandardHelpOptions = true,
      description = "Show an OPC UA server's certificate and trust it for one instrument.")
  public static final class Trust implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "DIR", description = "Configuration directory (agent.yaml, instruments.d/).")
    Path config;

    @Option(names = "--instrument", required = true, paramLabel = "ID", description = "Instrument id (driver: opcua).")
    String instrument;

    @Option(names = "--expect-thumbprint", paramLabel = "SHA1",
        description = "Store the certificate only if its SHA-1 thumbprint is this (hex, colons optional).")
    String expect;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Override the agent's stateDir.")
    Path stateDir;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Optional<Resolved> resolved = Resolved.load(config, instrument, stateDir, err);
      if (resolved.isEmpty()) {
        return Main.EXIT_INVALID;
      }
      OpcUaPlan plan = resolved.get().plan();
      X509Certificate cert;
      try {
        cert = ServerCertificates.fetch(plan);
      } catch (OpcUaConnectException e) {
        err.println("ferry: " + e.getMessage());
        return e.needsOperator() ? Main.EXIT_INVALID : Main.EXIT_RUNTIME;
      }
      String sha1 = Thumbprints.sha1(cert);
      out.println("Server certificate of " + plan.connection().endpoint());
      out.println("  subject:     " + cert.getSubjectX500Principal().getName());
      out.println("  issuer:      " + cert.getIssuerX500Principal().getName());
      out.println("  valid:       " + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant());
      ServerCertificates.applicationUri(cert).ifPresent(u -> out.println("  application: " + u));
      out.println("  SHA-1:       " + Thumbprints.colons(sha1));
      out.println("  SHA-256:     " + Thumbprints.colons(Thumbprints.sha256(cert)));
      ServerTrust trust = OpcUaDriverFactory.trust(plan, resolved.get().instrumentState(), InstantSource.system());
      if (expect != null) {
        String wanted = expect.replace(":", "").replace(" ", "").toUpperCase(Locale.ROOT);
        if (!wanted.equals(sha1)) {
          err.println("ferry: the server presented SHA-1 " + Thumbprints.colons(sha1) + ", not the expected "
              + Thumbprints.colons(wanted) + "; nothing stored");
          return Main.EXIT_INVALID;
        }
      }
      if (trust.isTrusted(cert)) {
        out.println("Already trusted for instrument " + instrument + " (" + trust.trustedDir() + ").");
        return Main.EXIT_OK;
      }
      try {
        Path file = trust.trust(cert);
        out.println("Trusted for instrument " + instrument + ": " + file);
        out.println("Compare the SHA-1 thumbprint with the one the server's administrator sees; remove the file to revoke.");
        return Main.EXIT_OK;
      } catch (IOException e) {
        err.println("ferry: cannot write to " + trust.trustedDir() + ": " + e.getMessage());
        return Main.EXIT_RUNTIME;
      }
    }
  }

  /** An OPC UA instrument read from a configuration directory, with its private state directory. */
  record Resolved(OpcUaPlan plan, Path instrumentState) {
    static Optional<Resolved> load(Path config, String instrument, Path stateOverride, PrintWriter err) {
      ScopedConfig scoped = ScopedConfig.load(config, Set.of());
      OpcUaDriverFactory factory = new OpcUaDriverFactory();
      Optional<InstrumentConfig> ic = scoped.instrument(instrument).filter(i -> i.info().driver().equals(OpcUaDriverFactory.NAME));
      if (ic.isEmpty()) {
        err.println("ferry: no instrument \"" + instrument + "\" with driver: opcua in " + config.resolve(ConfigLoader.INSTRUMENTS_DIR));
        scoped.problems().stream().filter(p -> p.path().equals("id") || p.path().equals("driver")).limit(5).forEach(p -> err.println("  " + p));
        return Optional.empty();
      }
      String file = ic.get().info().file();
      Optional<OpcUaPlan> plan = factory.opcUaPlan(ic.get());
      scoped.finish();
      List<Problem> mine = scoped.in(file);
      if (plan.isEmpty()) {
        err.println("ferry: " + file + " is not valid:");
        mine.forEach(p -> err.println("  " + p));
        return Optional.empty();
      }
      // Only this instrument's file: problems elsewhere are `ferry check`'s to report.
      mine.forEach(p -> err.println("note: " + p));
      ConfigLoader.Loaded loaded = scoped.loaded();
      Path agentState = stateOverride != null ? stateOverride : loaded.agent().map(AgentConfig::stateDir).orElse(ConfigLoader.DEFAULT_STATE_DIR);
      return Optional.of(new Resolved(plan.get(), InstrumentState.dir(agentState, instrument)));
    }
  }
}
