package io.ferry.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.agent.plan.AgentPlan;
import io.ferry.agent.plan.PlannedInstrument;
import io.ferry.agent.plan.PlannedUplink;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which parts of a running configuration a reload touches, for each kind of edit (a table; plans are real). */
class ReloadDiffTest {
  @TempDir Path dir;

  static Stream<Arguments> edits() {
    return Stream.of(
        Arguments.of("nothing edited", (Consumer<ReloadTestConfig>) c -> {},
            "instruments: 2 unchanged; uplinks: unchanged", List.of()),
        Arguments.of("a comment in a.yaml", (Consumer<ReloadTestConfig>) c -> c.write("instruments.d/a.yaml",
            read(c, "instruments.d/a.yaml").replace("# instrument a", "# the pump in hall 2")),
            "instruments: 2 unchanged; uplinks: unchanged", List.of()),
        Arguments.of("b polled faster", (Consumer<ReloadTestConfig>) c -> c.instrument("b", "500ms", "amplitude: 1"),
            "instruments: ~b 1 unchanged; uplinks: unchanged", List.of()),
        Arguments.of("b's channel changed", (Consumer<ReloadTestConfig>) c -> c.instrument("b", "1s", "amplitude: 3"),
            "instruments: ~b 1 unchanged; uplinks: unchanged", List.of()),
        Arguments.of("c added", (Consumer<ReloadTestConfig>) c -> c.instrument("c", "2s", "amplitude: 1"),
            "instruments: +c 2 unchanged; uplinks: unchanged", List.of()),
        Arguments.of("b removed", (Consumer<ReloadTestConfig>) c -> c.delete("instruments.d/b.yaml"),
            "instruments: -b 1 unchanged; uplinks: unchanged", List.of()),
        Arguments.of("uplink other writes elsewhere", (Consumer<ReloadTestConfig>) c -> c.agent("maxSize: 64MiB", "moved.jsonl"),
            "instruments: 2 unchanged; uplinks: ~other", List.of()),
        Arguments.of("the buffer's size limit", (Consumer<ReloadTestConfig>) c -> c.agent("maxSize: 128MiB", "other.jsonl"),
            "instruments: 2 unchanged; uplinks: unchanged",
            List.of("agent.yaml buffer changed: a reload never reopens it; restart ferry (systemctl restart ferry) to apply this change")));
  }

  private static String read(ReloadTestConfig c, String file) {
    try {
      return java.nio.file.Files.readString(c.config.resolve(file));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edits")
  void onlyWhatChangedIsTouched(String edit, Consumer<ReloadTestConfig> change, String summary, List<String> refusals) {
    ReloadTestConfig config = new ReloadTestConfig(dir);
    AgentPlan running = config.plan();
    change.accept(config);
    ReloadDiff diff = ReloadDiff.between(running, config.plan());
    assertThat(diff.summary()).isEqualTo(summary);
    assertThat(diff.refusals()).isEqualTo(refusals);
    assertThat(diff.empty()).isEqualTo(summary.equals("instruments: 2 unchanged; uplinks: unchanged"));
    assertThat(diff.changedInstruments().stream().map(PlannedInstrument::info).map(i -> i.id()).toList())
        .doesNotContain("a");
    assertThat(diff.changedUplinks().stream().map(PlannedUplink::name).toList()).doesNotContain("local");
  }
}
