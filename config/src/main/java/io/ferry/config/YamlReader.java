package io.ferry.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import io.ferry.config.ConfigNode.ListNode;
import io.ferry.config.ConfigNode.MapNode;
import io.ferry.config.ConfigNode.Scalar;
import io.ferry.config.ConfigNode.ScalarType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads YAML text with Jackson's streaming YAML parser into {@link ConfigNode}s that keep their
 * line and column. Syntax errors, tabs, duplicate keys and multiple documents become one-line
 * {@link Problem}s; nothing here throws for bad input.
 */
public final class YamlReader {
  private static final YAMLFactory FACTORY = YAMLFactory.builder().build();
  /** Jackson's "Document nesting depth (1001) exceeds the maximum allowed (1000, from ...)": the limit. */
  private static final Pattern NESTING = Pattern.compile("nesting depth \\(\\d+\\) exceeds the maximum allowed \\((\\d+)");

  private YamlReader() {}

  /** Parses {@code text}; returns empty (with problems added) when the text is not usable YAML. */
  public static Optional<ConfigNode> read(String file, String text, Problems problems) {
    int tab = firstIndentTab(text);
    if (tab > 0) {
      problems.add(new Location(file, tab, 1), "", "a tab is used for indentation; YAML allows only spaces");
      return Optional.empty();
    }
    JsonParser[] parser = new JsonParser[1];
    try (JsonParser p = FACTORY.createParser(text)) {
      parser[0] = p;
      JsonToken t = p.nextToken();
      if (t == null) {
        problems.add(Location.ofFile(file), "", "the file is empty");
        return Optional.empty();
      }
      ConfigNode root = readValue(file, p, problems);
      if (p.nextToken() != null) {
        problems.add(loc(file, p.currentTokenLocation()), "", "more than one YAML document in one file; keep one per file");
        return Optional.empty();
      }
      return Optional.of(root);
    } catch (AliasException e) {
      problems.add(e.location, "", e.getMessage());
      return Optional.empty();
    } catch (StreamConstraintsException e) {
      Matcher depth = NESTING.matcher(String.valueOf(e.getMessage()));
      if (depth.find()) {
        // The library's limit, said as what it means for a configuration file, where it was hit.
        problems.add(parser[0] == null ? Location.ofFile(file) : loc(file, parser[0].currentLocation()), "",
            "the YAML is nested more than " + depth.group(1) + " levels deep (lists or mappings inside each other); "
                + "a Ferry configuration needs only a few levels: is this the right file?");
        return Optional.empty();
      }
      problems.add(Location.ofFile(file), "", "cannot read YAML: " + YamlSyntax.clean(firstLine(e.getOriginalMessage())));
      return Optional.empty();
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
        Mark at = m.getProblemMark();
        problems.add(new Location(file, at.getLine() + 1, at.getColumn() + 1), "", YamlSyntax.explain(m));
        return Optional.empty();
      }
      JsonLocation l = e.getLocation();
      problems.add(l == null ? Location.ofFile(file) : loc(file, l), "", "YAML syntax error: " + YamlSyntax.clean(firstLine(e.getOriginalMessage())));
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      problems.add(Location.ofFile(file), "", "cannot read YAML: " + YamlSyntax.clean(firstLine(String.valueOf(e.getMessage()))));
      return Optional.empty();
    }
  }

  /** Jackson reads an alias as its bare name and drops scalar anchors: refuse them, never read {@code *p} as the text "p". */
  private static final class AliasException extends IOException {
    final Location location;

    AliasException(Location location, String message) {
      super(message);
      this.location = location;
    }
  }

  private static ConfigNode readValue(String file, JsonParser p, Problems problems) throws IOException {
    Location here = loc(file, p.currentTokenLocation());
    JsonToken t = p.currentToken();
    if (p instanceof YAMLParser y) {
      if (y.isCurrentAlias()) {
        throw new AliasException(here, "YAML aliases (*" + p.getText() + ") and anchors are not supported: write the value out in full");
      }
      if (y.getCurrentAnchor() != null && (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)) {
        throw new AliasException(here, "YAML anchors (&" + y.getCurrentAnchor() + ") and aliases are not supported: write the value out in full");
      }
    }
    switch (t) {
      case START_OBJECT -> {
        Map<String, ConfigNode> entries = new LinkedHashMap<>();
        Map<String, Location> keys = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          if (key.equals("<<")) {
            throw new AliasException(loc(file, p.currentTokenLocation()), "YAML merge keys (<<) and aliases are not supported: write the keys out in full");
          }
          Location keyLoc = loc(file, p.currentTokenLocation());
          p.nextToken();
          ConfigNode value = readValue(file, p, problems);
          if (entries.containsKey(key)) {
            problems.add(keyLoc, key, "duplicate key (first written at line " + keys.get(key).line() + ")");
            continue;
          }
          entries.put(key, value);
          keys.put(key, keyLoc);
        }
        return new MapNode(here, entries, keys);
      }
      case START_ARRAY -> {
        List<ConfigNode> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(readValue(file, p, problems));
        }
        return new ListNode(here, items);
      }
      case VALUE_NULL -> {
        return new Scalar(here, null, ScalarType.NULL);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new Scalar(here, p.getText(), ScalarType.BOOLEAN);
      }
      case VALUE_NUMBER_INT -> {
        return new Scalar(here, p.getText(), ScalarType.INTEGER);
      }
      case VALUE_NUMBER_FLOAT -> {
        return new Scalar(here, p.getText(), ScalarType.FLOAT);
      }
      default -> {
        return new Scalar(here, p.getText(), ScalarType.STRING);
      }
    }
  }

  private static Location loc(String file, JsonLocation l) {
    return new Location(file, Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
  }

  /** Line number (1-based) of the first line whose indentation contains a tab, or 0. */
  private static int firstIndentTab(String text) {
    int line = 1;
    boolean inIndent = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        inIndent = true;
      } else if (inIndent && c == '\t') {
        return line;
      } else if (c != ' ' && c != '\r') {
        inIndent = false;
      }
    }
    return 0;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
