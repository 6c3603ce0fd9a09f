package org.sparkgrad.ml.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The rule that {@code dataStorage=auto} follows. */
class DataStorageTest {
  private static final LongSupplier NOT_COUNTED = DataStorageTest::notCounted;
  private static final long MIB = 1 << 20;

  private static long notCounted() {
    throw new AssertionError("the rows were counted");
  }

  @Test
  void anExplicitChoiceStands() {
    assertThat(DataStorage.choose(DataStorage.STREAM, 10, NOT_COUNTED, 100, 1000 * MIB))
        .isEqualTo(DataStorage.STREAM);
    assertThat(DataStorage.choose(DataStorage.MEMORY, 1e12, NOT_COUNTED, 100, MIB))
        .isEqualTo(DataStorage.MEMORY);
  }

  @Test
  void autoKeepsInMemoryWhatTakesAtMostHalfOfTheStorageMemory() {
    // a small plan estimate needs no count
    assertThat(DataStorage.choose(DataStorage.AUTO, 100 * MIB / 16, NOT_COUNTED, 3152, 100 * MIB))
        .isEqualTo(DataStorage.MEMORY);
    // 16,000 rows of 3,152 bytes: 48 MiB of blocks in 100 MiB, then 52 MiB
    assertThat(DataStorage.choose(DataStorage.AUTO, 1e9, () -> 16_000, 3152, 100 * MIB))
        .isEqualTo(DataStorage.MEMORY);
    assertThat(DataStorage.choose(DataStorage.AUTO, 1e9, () -> 17_300, 3152, 100 * MIB))
        .isEqualTo(DataStorage.STREAM);
    // no executor has registered: nothing to measure, so as before
    assertThat(DataStorage.choose(DataStorage.AUTO, 1e12, NOT_COUNTED, 3152, 0))
        .isEqualTo(DataStorage.MEMORY);
  }

  @Test
  void aRowOfABlockIsItsFloatsItsHashAndItsId() {
    assertThat(DataStorage.rowBytes(784, 1, false)).isEqualTo(4 * 785 + 16);
    assertThat(DataStorage.rowBytes(10, 3, true)).isEqualTo(4 * 14 + 16);
    assertThat(DataStorage.of("stream")).isEqualTo(DataStorage.STREAM);
    assertThat(DataStorage.MEMORY.paramValue()).isEqualTo("memory");
  }
}
