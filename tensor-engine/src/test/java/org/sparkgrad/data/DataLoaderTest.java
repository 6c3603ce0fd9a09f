package org.sparkgrad.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Tensor;

/** Batching, len(), dropLast and the per-epoch shuffle, on the calling thread. */
class DataLoaderTest {
  /** x[i] = [i, i + 0.5]; y[i] = i. */
  private static TensorDataset indexed(int n) {
    float[] x = new float[2 * n];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = i + 0.5f;
      y[i] = i;
    }
    return new TensorDataset(Tensor.of(x, n, 2), Tensor.ofLongs(y));
  }

  private static DataLoader.Builder<Tensor[]> loader(int n) {
    return DataLoader.builder(indexed(n));
  }

  /** The label batches of one epoch, which name the samples. */
  static List<long[]> labels(Iterable<Tensor[]> batches) {
    List<long[]> out = new ArrayList<>();
    for (Tensor[] b : batches) {
      long[] y = b[1].toLongArray();
      float[] x = b[0].toFloatArray();
      for (int j = 0; j < y.length; j++) {
        // Features travel with their label.
        assertThat(x[2 * j]).isEqualTo((float) y[j]);
        assertThat(x[2 * j + 1]).isEqualTo(y[j] + 0.5f);
      }
      out.add(y);
    }
    return out;
  }

  private static long[] flatten(List<long[]> batches) {
    return batches.stream().flatMapToLong(Arrays::stream).toArray();
  }

  @Test
  void lenCountsBatches() {
    assertThat(loader(10).batchSize(3).build().len()).isEqualTo(4);
    assertThat(loader(10).batchSize(3).dropLast(true).build().len()).isEqualTo(3);
    assertThat(loader(9).batchSize(3).build().len()).isEqualTo(3);
    assertThat(loader(9).batchSize(3).dropLast(true).build().len()).isEqualTo(3);
    assertThat(loader(2).batchSize(5).build().len()).isEqualTo(1);
    assertThat(loader(2).batchSize(5).dropLast(true).build().len()).isZero();
    assertThat(loader(7).build().len()).isEqualTo(7);
  }

  @Test
  void sequentialBatchesStackAlongDimZeroWithAShortLastBatch() {
    DataLoader<Tensor[]> dl = loader(7).batchSize(3).build();
    List<Tensor[]> batches = new ArrayList<>();
    dl.forEach(batches::add);
    assertThat(batches).hasSize(dl.len());
    assertThat(batches.get(0)[0].shape()).containsExactly(3, 2);
    assertThat(batches.get(0)[0].toFloatArray()).containsExactly(0, .5f, 1, 1.5f, 2, 2.5f);
    assertThat(batches.get(0)[1].shape()).containsExactly(3);
    assertThat(batches.get(2)[0].shape()).containsExactly(1, 2);
    assertThat(batches.get(2)[1].toLongArray()).containsExactly(6);
    assertThat(labels(dl))
        .containsExactly(new long[] {0, 1, 2}, new long[] {3, 4, 5}, new long[] {6});
  }

  @Test
  void dropLastDropsTheShortBatch() {
    DataLoader<Tensor[]> dl = loader(7).batchSize(3).dropLast(true).build();
    assertThat(labels(dl)).containsExactly(new long[] {0, 1, 2}, new long[] {3, 4, 5});
    DataLoader<Tensor[]> shuffled = loader(7).batchSize(3).dropLast(true).shuffle(true).build();
    List<long[]> epoch = labels(shuffled);
    assertThat(epoch).hasSize(2).allSatisfy(b -> assertThat(b).hasSize(3));
    assertThat(flatten(epoch)).doesNotHaveDuplicates();
  }

  @Test
  void eachEpochIsANewPermutation() {
    DataLoader<Tensor[]> dl = loader(50).batchSize(8).shuffle(true).seed(11).build();
    long[] e0 = flatten(labels(dl));
    long[] e1 = flatten(labels(dl));
    long[] all = IntStream.range(0, 50).asLongStream().toArray();
    assertThat(e0).containsExactlyInAnyOrder(all).isNotEqualTo(all);
    assertThat(e1).containsExactlyInAnyOrder(all).isNotEqualTo(e0);
    assertThat(dl.epoch()).isEqualTo(2);
    assertThat(e0).containsExactly(Arrays.stream(dl.order(0)).asLongStream().toArray());
  }

  @Test
  void anEpochsOrderDependsOnSeedAndEpochOnly() {
    DataLoader<Tensor[]> a = loader(40).batchSize(6).shuffle(true).seed(5).build();
    List<long[]> a0 = labels(a);
    labels(a);
    List<long[]> a2 = labels(a);

    DataLoader<Tensor[]> b = loader(40).batchSize(6).shuffle(true).seed(5).build();
    assertThat(labels(() -> b.iterator(2))).containsExactlyElementsOf(a2);
    assertThat(b.epoch()).isZero(); // iterator(e) does not move the counter
    b.setEpoch(2);
    assertThat(labels(b)).containsExactlyElementsOf(a2);
    assertThat(b.epoch()).isEqualTo(3);
    assertThat(labels(() -> b.iterator(0))).containsExactlyElementsOf(a0);

    DataLoader<Tensor[]> otherSeed = loader(40).batchSize(6).shuffle(true).seed(6).build();
    assertThat(flatten(labels(otherSeed))).isNotEqualTo(flatten(a0));
  }

  @Test
  void withoutShuffleEveryEpochIsInOrder() {
    DataLoader<Tensor[]> dl = loader(5).batchSize(2).build();
    labels(dl);
    assertThat(flatten(labels(dl))).containsExactly(0, 1, 2, 3, 4);
    assertThat(dl.order(7)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void theIteratorEndsCleanly() {
    DataLoader<Tensor[]> dl = loader(2).batchSize(2).build();
    BatchIterator<Tensor[]> it = dl.iterator();
    assertThat(it.epoch()).isZero();
    it.next();
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next)
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("no more batches in epoch 0");
    BatchIterator<Tensor[]> closed = dl.iterator();
    closed.close();
    assertThat(closed.hasNext()).isFalse();
  }

  @Test
  void anEmptyDataSetHasNoBatches() {
    DataLoader<Tensor[]> dl =
        DataLoader.builder(new TensorDataset(Tensor.zeros(0, 3))).batchSize(4).build();
    assertThat(dl.len()).isZero();
    assertThat(dl.iterator().hasNext()).isFalse();
  }

  @Test
  void customCollateAndSampleTypes() {
    Dataset<String> words =
        new Dataset<>() {
          private final String[] w = {"a", "b", "c", "d", "e"};

          @Override
          public int size() {
            return w.length;
          }

          @Override
          public String get(int index) {
            return w[index];
          }
        };
    DataLoader<String> dl =
        DataLoader.builder(words, Collate.<String, String>ofSamples(s -> String.join("", s)))
            .batchSize(2)
            .build();
    List<String> out = new ArrayList<>();
    dl.forEach(out::add);
    assertThat(out).containsExactly("ab", "cd", "e");
  }

  @Test
  void optionsAreValidated() {
    assertThatThrownBy(() -> loader(3).batchSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize must be >= 1, got 0");
    assertThatThrownBy(() -> loader(3).numWorkers(-1))
        .hasMessage("numWorkers must be >= 0, got -1");
    assertThatThrownBy(() -> loader(3).prefetchFactor(0))
        .hasMessage("prefetchFactor must be >= 1, got 0");
    assertThatThrownBy(() -> loader(3).build().setEpoch(-1))
        .hasMessage("epoch must be >= 0, got -1");
  }
}
