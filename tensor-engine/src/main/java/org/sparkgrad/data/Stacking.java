package org.sparkgrad.data;

import java.util.Arrays;
import java.util.List;
import org.sparkgrad.tensor.Tensor;

/** Stacks {@code Tensor[]} samples field by field into one array per field. */
final class Stacking {
  private Stacking() {}

  /**
   * Field {@code f} of the result has shape {@code [samples.size(), *]}, where {@code *} is the
   * shape of field {@code f} of every sample. {@code indices} only name samples in messages.
   */
  static Tensor[] stack(List<Tensor[]> samples, int[] indices) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("cannot stack an empty batch");
    }
    Tensor[] first = samples.get(0);
    Tensor[] out = new Tensor[first.length];
    for (int f = 0; f < first.length; f++) {
      int[] shape = first[f].shape();
      int rowSize = first[f].numel();
      Tensor batch = Rows.allocate(first[f].dtype(), Rows.withBatch(samples.size(), shape));
      Object dst = Rows.target(batch);
      for (int j = 0; j < samples.size(); j++) {
        Tensor[] sample = samples.get(j);
        if (sample.length != first.length) {
          throw new IllegalArgumentException(
              String.format(
                  "sample %d has %d fields, sample %d has %d; every sample needs the same fields",
                  indices[j], sample.length, indices[0], first.length));
        }
        Tensor t = sample[f];
        if (t.dtype() != first[f].dtype() || !Arrays.equals(t.shape(), shape)) {
          throw new IllegalArgumentException(
              String.format(
                  "cannot stack field %d: sample %d has %s %s, sample %d has %s %s",
                  f,
                  indices[j],
                  t.dtype(),
                  Arrays.toString(t.shape()),
                  indices[0],
                  first[f].dtype(),
                  Arrays.toString(shape)));
        }
        System.arraycopy(Rows.hostArray(t), 0, dst, j * rowSize, rowSize);
      }
      out[f] = batch;
    }
    return out;
  }
}
