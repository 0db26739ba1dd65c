package io.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ChannelIdTest {
  @Test
  void parsesAndPrintsInstrumentSlashChannel() {
    ChannelId id = ChannelId.parse("boiler1/supply_temp");
    assertThat(id).isEqualTo(new ChannelId("boiler1", "supply_temp"));
    assertThat(id.toString()).isEqualTo("boiler1/supply_temp");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "slash/inside", "ümlaut", "semi;colon"})
  void rejectsNamesOutsideTheSafeAlphabet(String bad) {
    assertThatThrownBy(() -> new ChannelId("i", bad)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ordersByInstrumentThenChannel() {
    assertThat(ChannelId.of("a", "z")).isLessThan(ChannelId.of("b", "a"));
    assertThat(ChannelId.of("a", "a")).isLessThan(ChannelId.of("a", "b"));
  }
}
