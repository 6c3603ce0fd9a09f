package org.sparkgrad.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/** {@code new DataLoader<>(dataset, batchSize, shuffle)}: PyTorch's constructor and defaults. */
class DataLoaderDefaultsTest {
  private static TensorDataset data(int n) {
    return new TensorDataset(Tensor.arange(0, n, 1).reshape(n, 1), Tensor.arange(n));
  }

  private static List<Long> labels(DataLoader<Tensor[]> loader) {
    List<Long> out = new ArrayList<>();
    for (Tensor[] batch : loader) {
      for (long v : batch[1].toLongArray()) {
        out.add(v);
      }
    }
    return out;
  }

  @Test
  void defaultsAreBatchesOfOneInOrder() {
    DataLoader<Tensor[]> loader = new DataLoader<>(data(3));
    assertThat(loader.batchSize()).isEqualTo(1);
    assertThat(loader.shuffle()).isFalse();
    assertThat(loader.dropLast()).isFalse();
    assertThat(loader.numWorkers()).isZero();
    assertThat(loader.len()).isEqualTo(3);
    assertThat(labels(loader)).containsExactly(0L, 1L, 2L);
  }

  @Test
  void batchSizeKeepsTheLastSmallerBatch() {
    DataLoader<Tensor[]> loader = new DataLoader<>(data(10), 4);
    assertThat(loader.len()).isEqualTo(3);
    List<int[]> shapes = new ArrayList<>();
    for (Tensor[] batch : loader) {
      shapes.add(batch[0].shape());
    }
    assertThat(shapes).containsExactly(new int[] {4, 1}, new int[] {4, 1}, new int[] {2, 1});
    assertThatThrownBy(() -> new DataLoader<>(data(3), 0, false))
        .hasMessage("batchSize must be >= 1, got 0");
  }

  @Test
  void shufflingIsSeededFromTheDefaultGenerator() {
    Tensor.manualSeed(3);
    DataLoader<Tensor[]> loader = new DataLoader<>(data(20), 5, true);
    assertThat(loader.seed()).isEqualTo(new Generator(3).nextLong());
    DataLoader<Tensor[]> seeded =
        DataLoader.builder(data(20)).batchSize(5).shuffle(true).seed(loader.seed()).build();
    List<Long> epoch0 = labels(loader);
    assertThat(epoch0).containsExactlyElementsOf(labels(seeded));
    assertThat(epoch0).doesNotContainSequence(0L, 1L, 2L, 3L).hasSize(20);
    assertThat(labels(loader)).as("the next epoch").isNotEqualTo(epoch0);
    Tensor.manualSeed(3);
    assertThat(labels(new DataLoader<>(data(20), 5, true))).containsExactlyElementsOf(epoch0);
  }

  @Test
  void tensorSamplesAreStackedAndOtherTypesExplained() {
    Dataset<Tensor> points =
        new Dataset<>() {
          @Override
          public int size() {
            return 3;
          }

          @Override
          public Tensor get(int index) {
            return Tensor.tensor(new double[] {index, 10 * index});
          }
        };
    DataLoader<Tensor> loader = new DataLoader<>(points, 2);
    List<Tensor> batches = new ArrayList<>();
    loader.forEach(batches::add);
    assertThat(batches.get(0).shape()).containsExactly(2, 2);
    assertThat(batches.get(0).toFloatArray()).containsExactly(0, 0, 1, 10);
    assertThat(batches.get(1).toFloatArray()).containsExactly(2, 20);

    Dataset<String> words =
        new Dataset<>() {
          @Override
          public int size() {
            return 2;
          }

          @Override
          public String get(int index) {
            return "w" + index;
          }
        };
    DataLoader<String> wordLoader = new DataLoader<>(words, 2);
    assertThatThrownBy(() -> wordLoader.iterator().next())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the default collate stacks samples that are Tensor[] or Tensor, but sample 0 is a"
                + " java.lang.String: make the loader with DataLoader.builder(dataset, collate)");

    Dataset<Object> mixed =
        new Dataset<>() {
          @Override
          public int size() {
            return 2;
          }

          @Override
          public Object get(int index) {
            Tensor t = Tensor.tensor(new double[] {index});
            return index == 0 ? new Tensor[] {t} : t;
          }
        };
    assertThatThrownBy(() -> new DataLoader<>(mixed, 2).iterator().next())
        .hasMessage("sample 1 is a Tensor, sample 0 is not: every sample needs the same type");
  }
}
