package org.sparkgrad.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/** Rows, stacked batches and the collate functions. */
class TensorDatasetTest {
  /** x[i] = [[i, i+.1, i+.2], [i+.3, i+.4, i+.5]]; y[i] = 10 i; w[i] = -i / 2. */
  static TensorDataset sample(int n) {
    float[] x = new float[n * 6];
    long[] y = new long[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 6; k++) {
        x[i * 6 + k] = i + k / 10f;
      }
      y[i] = 10L * i;
      w[i] = -i / 2.0;
    }
    return new TensorDataset(Tensor.of(x, n, 2, 3), Tensor.ofLongs(y), Tensor.of(w));
  }

  @Test
  void getReturnsTheRowsOfEachTensor() {
    TensorDataset ds = sample(5);
    assertThat(ds.size()).isEqualTo(5);
    assertThat(ds.numFields()).isEqualTo(3);
    Tensor[] s = ds.get(3);
    assertThat(s[0].shape()).containsExactly(2, 3);
    assertThat(s[0].toFloatArray()).containsExactly(3f, 3.1f, 3.2f, 3.3f, 3.4f, 3.5f);
    assertThat(s[1].dim()).isZero();
    assertThat(s[1].dtype()).isEqualTo(DType.INT64);
    assertThat(s[1].toLongArray()).containsExactly(30);
    assertThat(s[2].dtype()).isEqualTo(DType.FLOAT64);
    assertThat(s[2].item()).isEqualTo(-1.5);
  }

  @Test
  void batchStacksRowsInTheGivenOrderWithRepeats() {
    Tensor[] b = sample(5).batch(new int[] {4, 0, 4});
    assertThat(b[0].shape()).containsExactly(3, 2, 3);
    assertThat(b[0].toFloatArray())
        .containsExactly(
            4f, 4.1f, 4.2f, 4.3f, 4.4f, 4.5f, 0f, .1f, .2f, .3f, .4f, .5f, 4f, 4.1f, 4.2f, 4.3f,
            4.4f, 4.5f);
    assertThat(b[1].shape()).containsExactly(3);
    assertThat(b[1].toLongArray()).containsExactly(40, 0, 40);
    assertThat(b[2].toDoubleArray()).containsExactly(-2, 0, -2);
  }

  @Test
  void samplesAndBatchesAreCopiesButTheDataSetSeesInPlaceChanges() {
    Tensor y = Tensor.ofLongs(new long[] {1, 2, 3});
    TensorDataset ds = new TensorDataset(y);
    Tensor[] b = ds.batch(new int[] {0, 1});
    b[0].fillInPlace(99);
    assertThat(y.toLongArray()).containsExactly(1, 2, 3);
    y.fillInPlace(7);
    assertThat(ds.get(2)[0].toLongArray()).containsExactly(7);
  }

  @Test
  void validatesItsTensorsAndIndices() {
    assertThatThrownBy(TensorDataset::new).hasMessage("TensorDataset needs at least one tensor");
    assertThatThrownBy(() -> new TensorDataset(Tensor.zeros(4, 2), Tensor.zeros(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "size mismatch between tensors: tensor 0 has 4 samples (shape [4, 2]), tensor 1 has 3"
                + " (shape [3])");
    assertThatThrownBy(() -> new TensorDataset(Tensor.scalar(1)))
        .hasMessageContaining("tensor 0 is 0-d");
    assertThatThrownBy(() -> sample(3).get(3))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("index 3 is out of range for a TensorDataset of size 3");
    assertThatThrownBy(() -> sample(3).batch(new int[] {0, -1}))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  /** A data set of Tensor[] samples that is not a TensorDataset, so it takes the generic path. */
  static Dataset<Tensor[]> generic(TensorDataset inner) {
    return new Dataset<>() {
      @Override
      public int size() {
        return inner.size();
      }

      @Override
      public Tensor[] get(int index) {
        return inner.get(index);
      }
    };
  }

  @Test
  void stackingGenericSamplesEqualsTheDirectRowCopy() {
    TensorDataset ds = sample(6);
    int[] idx = {5, 2, 2, 0};
    Tensor[] direct = Collate.stack().collate(ds, idx);
    Tensor[] stacked = Collate.stack().collate(generic(ds), idx);
    for (int f = 0; f < 3; f++) {
      assertThat(stacked[f].dtype()).isEqualTo(direct[f].dtype());
      assertThat(stacked[f].shape()).containsExactly(direct[f].shape());
      assertThat(stacked[f].toDoubleArray()).containsExactly(direct[f].toDoubleArray());
    }
    assertThat(stacked[1].toLongArray()).containsExactly(50, 20, 20, 0);
  }

  @Test
  void stackingRefusesRaggedSamples() {
    Dataset<Tensor[]> ragged =
        new Dataset<>() {
          @Override
          public int size() {
            return 3;
          }

          @Override
          public Tensor[] get(int index) {
            return index == 2
                ? new Tensor[] {Tensor.zeros(3), Tensor.zeros(1)}
                : new Tensor[] {Tensor.zeros(2), Tensor.zeros(1)};
          }
        };
    assertThatThrownBy(() -> Collate.stack().collate(ragged, new int[] {0, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot stack field 0: sample 2 has float32 [3], sample 0 has float32 [2]");
  }

  @Test
  void listAndSampleCollation() {
    TensorDataset ds = sample(4);
    List<Tensor[]> list = Collate.<Tensor[]>toList().collate(ds, new int[] {3, 1});
    assertThat(list).hasSize(2);
    assertThat(list.get(0)[1].toLongArray()).containsExactly(30);
    Collate<Tensor[], Long> sumOfLabels =
        Collate.ofSamples(samples -> samples.stream().mapToLong(s -> s[1].toLongArray()[0]).sum());
    assertThat(sumOfLabels.collate(ds, new int[] {1, 2, 3})).isEqualTo(60L);
  }
}
