package io.ferry.uplink;

import java.util.List;

/** An uplink's validated, immutable configuration, made by {@link UplinkFactory#plan}. */
public interface UplinkPlan {
  /** The uplink's name (its key under {@code uplinks:}); the buffer's cursor name. */
  String name();

  /** The {@code type:} value. */
  String type();

  /** The engine settings (pacing, backoff, batch size, timeouts). */
  RunnerSettings runner();

  /** Lines for {@code ferry plan}; never contains a secret. */
  List<String> describe();
}
