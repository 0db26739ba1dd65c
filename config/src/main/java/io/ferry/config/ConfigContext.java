package io.ferry.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The state of one validation pass: where problems go, how secrets resolve, and which
 * {@link Fields} readers were opened (so unknown keys are reported once everything is read).
 * Validation has no side effects beyond reading secret files.
 */
public final class ConfigContext {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

  private final Problems problems;
  private final Function<String, String> env;
  private final List<Fields> opened = new ArrayList<>();

  public ConfigContext(Problems problems, Function<String, String> env) {
    this.problems = Objects.requireNonNull(problems, "problems");
    this.env = Objects.requireNonNull(env, "env");
  }

  /** A context reading the process environment. */
  public static ConfigContext ofSystem(Problems problems) {
    return new ConfigContext(problems, System::getenv);
  }

  /** A context with a fixed environment (tests). */
  public static ConfigContext of(Problems problems, Map<String, String> env) {
    return new ConfigContext(problems, env::get);
  }

  public Problems problems() {
    return problems;
  }

  /** Opens a reader over a mapping at {@code path}; reports "expected a mapping" otherwise. */
  public Optional<Fields> fields(ConfigNode node, String path) {
    if (node instanceof ConfigNode.MapNode map) {
      Fields f = new Fields(this, map, path);
      opened.add(f);
      return Optional.of(f);
    }
    problems.add(node.location(), path, "expected a mapping (key: value lines), got " + node.describe());
    return Optional.empty();
  }

  /** Reports every key that no reader asked for, with a did-you-mean. Call once, at the end. */
  public void finish() {
    for (Fields f : opened) {
      f.reportUnknownKeys();
    }
    opened.clear();
  }

  /**
   * Resolves a secret reference. Only {@code ${env:NAME}} and {@code ${file:/path}} are
   * accepted: a credential written literally in YAML is an error.
   */
  Optional<Secret> resolveSecret(String text, Location location, String path) {
    Matcher m = REFERENCE.matcher(text.trim());
    if (!m.matches()) {
      problems.add(location, path,
          "secrets are never written in YAML; use ${env:NAME} or ${file:/run/credentials/ferry.service/NAME}");
      return Optional.empty();
    }
    String kind = m.group(1);
    String name = m.group(2).trim();
    String source = "${" + kind + ":" + name + "}";
    if (kind.equals("env")) {
      String value = env.apply(name);
      if (value == null || value.isEmpty()) {
        problems.add(location, path, "environment variable " + name + " is not set");
        return Optional.empty();
      }
      return Optional.of(new Secret(source, value));
    }
    Path file = Path.of(name);
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8);
      value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
          : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
      if (value.isEmpty()) {
        problems.add(location, path, "secret file " + file + " is empty");
        return Optional.empty();
      }
      return Optional.of(new Secret(source, value));
    } catch (IOException | SecurityException e) {
      problems.add(location, path, "cannot read secret file " + file + " (" + e.getClass().getSimpleName() + ")");
      return Optional.empty();
    }
  }
}
