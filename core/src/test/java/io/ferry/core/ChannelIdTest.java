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

  @Test
  void equalsComparesBothPartsAndHashCodeAgrees() {
    assertThat(ChannelId.of("a", "b")).isEqualTo(ChannelId.parse("a/b")).hasSameHashCodeAs(ChannelId.parse("a/b"))
        .isNotEqualTo(ChannelId.of("b", "a")).isNotEqualTo(ChannelId.of("a", "c")).isNotEqualTo("a/b");
  }

  @Test
  void numberedInstrumentsAndChannelsDoNotCollideInFamilies() {
    // 50 instruments x 100 channels: the record's 31 * a + b gave 1,400 distinct hashes for 5,000 ids.
    java.util.Set<Integer> hashes = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      for (int c = 0; c < 100; c++) {
        hashes.add(ChannelId.of("sim" + i, "c" + c).hashCode());
      }
    }
    assertThat(hashes).hasSize(5000);
  }
}
