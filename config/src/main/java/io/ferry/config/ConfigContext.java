package io.ferry.config;

import java.nio.charset.StandardCharsets;
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
      if (text.contains("${")) {
        // A mistyped reference: say what is wrong with it rather than "never written in YAML".
        if (resolveReferences(text, location, path).isPresent()) {
          problems.add(location, path, "a secret must be exactly one reference, ${env:NAME} or ${file:/path}, with nothing around it");
        }
        return Optional.empty();
      }
      problems.add(location, path,
          "secrets are never written in YAML; use ${env:NAME} or ${file:/run/credentials/ferry.service/NAME}");
      return Optional.empty();
    }
    String kind = m.group(1);
    String name = m.group(2).trim();
    String source = "${" + kind + ":" + name + "}";
    return lookup(kind, name, location, path).map(value -> new Secret(source, value));
  }

  /**
   * Replaces every {@code ${env:NAME}} and {@code ${file:/path}} in a plain (non-secret) value,
   * as fleet templating expects; a reference that cannot be resolved, or is mistyped, is an
   * error and never used literally. Returns empty after reporting.
   */
  Optional<String> resolveReferences(String text, Location location, String path) {
    if (!text.contains("${")) {
      return Optional.of(text);
    }
    StringBuilder out = new StringBuilder();
    int pos = 0;
    while (true) {
      int start = text.indexOf("${", pos);
      if (start < 0) {
        out.append(text, pos, text.length());
        return Optional.of(out.toString());
      }
      out.append(text, pos, start);
      int end = text.indexOf('}', start);
      if (end < 0) {
        problems.add(location, path, "the reference \"" + text.substring(start) + "\" is not closed: write ${env:NAME} or ${file:/path}");
        return Optional.empty();
      }
      String body = text.substring(start + 2, end);
      int colon = body.indexOf(':');
      String kind = colon < 0 ? "" : body.substring(0, colon).trim();
      String name = colon < 0 ? "" : body.substring(colon + 1).trim();
      if (!(kind.equals("env") || kind.equals("file")) || name.isEmpty()) {
        problems.add(location, path, "unknown reference \"${" + body + "}\": write ${env:NAME} or ${file:/path}");
        return Optional.empty();
      }
      Optional<String> value = lookup(kind, name, location, path);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      out.append(value.get());
      pos = end + 1;
    }
  }

  /** The value of one reference, or empty after reporting why not. Never puts the value in a message. */
  private Optional<String> lookup(String kind, String name, Location location, String path) {
    if (kind.equals("env")) {
      String value = env.apply(name);
      if (value == null || value.isEmpty()) {
        problems.add(location, path, "environment variable " + name + " is not set");
        return Optional.empty();
      }
      return Optional.of(value);
    }
    Path file = Path.of(name);
    byte[] bytes;
    ConfigFiles.Outcome outcome = ConfigFiles.read(file, ConfigFiles.MAX_SECRET_BYTES);
    if (outcome instanceof ConfigFiles.Missing) {
      problems.add(location, path, "secret file " + file + " does not exist");
      return Optional.empty();
    }
    if (outcome instanceof ConfigFiles.Refused r) {
      problems.add(location, path, "secret file " + file + " " + r.reason());
      return Optional.empty();
    }
    bytes = ((ConfigFiles.Bytes) outcome).bytes();
    String value = new String(bytes, StandardCharsets.UTF_8);
    value = trimTrailing(value);
    if (value.isEmpty()) {
      problems.add(location, path, "secret file " + file + " is empty");
      return Optional.empty();
    }
    return Optional.of(value);
  }

  /**
   * Drops every trailing line break, space and tab: editors and {@code echo} add one or two, and a
   * token with a stray newline never matches (every request 401). Nothing else is trimmed.
   */
  static String trimTrailing(String value) {
    int end = value.length();
    while (end > 0 && " \t\r\n".indexOf(value.charAt(end - 1)) >= 0) {
      end--;
    }
    return value.substring(0, end);
  }
}
