package io.ferry.agent.runtime;

import java.util.List;

/** How a reload ended. Java 17: callers use an instanceof chain over the two cases. */
public sealed interface ReloadOutcome {
  /** One line for the log and the status. */
  String line();

  /**
   * The new configuration runs. {@code failures} names instruments or uplinks that were valid but
   * could not be opened (they are counted and logged; the rest of the reload stands).
   */
  record Applied(ReloadDiff diff, List<String> failures) implements ReloadOutcome {
    public Applied {
      failures = List.copyOf(failures);
    }

    @Override
    public String line() {
      String s = "reloaded: " + diff.summary();
      return failures.isEmpty() ? s : s + "; " + failures.size() + " failed to start: " + String.join("; ", failures);
    }
  }

  /** Nothing changed: the previous configuration keeps running, for these reasons (every one). */
  record Refused(List<String> reasons) implements ReloadOutcome {
    public Refused {
      reasons = List.copyOf(reasons);
    }

    @Override
    public String line() {
      int n = reasons.size();
      return "reload refused (" + n + (n == 1 ? " error" : " errors") + ", still running the previous configuration): "
          + (n == 0 ? "" : reasons.get(0)) + (n > 1 ? " …" : "");
    }
  }
}
