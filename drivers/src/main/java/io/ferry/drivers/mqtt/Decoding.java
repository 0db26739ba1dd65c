package io.ferry.drivers.mqtt;

import io.ferry.core.Sample;
import java.util.List;

/** What one MQTT message decoded into. */
sealed interface Decoding permits Decoding.Values, Decoding.Malformed, Decoding.Ignored {

  /**
   * The samples of a readable message.
   *
   * @param problems values or records that could not be read (each counted as malformed)
   * @param unmapped channel names the topic resolved to that the instrument does not declare
   * @param missing mapped fields absent from a record (devices often omit fields)
   */
  record Values(List<Sample> samples, List<String> problems, List<String> unmapped, int missing) implements Decoding {
    public Values {
      samples = List.copyOf(samples);
      problems = List.copyOf(problems);
      unmapped = List.copyOf(unmapped);
    }
  }

  /** The payload as a whole is unreadable. */
  record Malformed(String reason) implements Decoding {}

  /** Deliberately dropped (a retained message on a subscription that ignores them, no matching filter). */
  record Ignored(String reason) implements Decoding {}
}
