package io.ferry.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code ferry version}: prints the version and the Java runtime. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print Ferry's version and the Java runtime.")
public final class VersionCommand implements Runnable {

  @Override
  public void run() {
    for (String line : new Provider().getVersion()) {
      System.out.println(line);
    }
  }

  /** Reads the version Maven wrote into the jar. */
  public static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ferry " + version(), "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
  }

  public static String version() {
    Properties p = new Properties();
    try (InputStream in = VersionCommand.class.getResourceAsStream("/ferry-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return p.getProperty("version", "unknown");
  }
}
