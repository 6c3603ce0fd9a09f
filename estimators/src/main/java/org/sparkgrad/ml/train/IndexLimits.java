package org.sparkgrad.ml.train;

import java.util.ArrayList;
import java.util.List;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.NoGrad;

/**
 * The first index each index input of a module of several inputs refuses, found before any job by
 * forward passes of one row: an {@code Embedding} of {@code num_embeddings=n} that reads an input
 * refuses {@code n} and every index above, so a binary search over {@code [0, 2^24)} finds {@code
 * n} in at most 24 passes. The data side then rejects an index at or above it by row and column
 * before training, instead of a step failing on a batch. An input whose indices the module does not
 * look up gets no limit (0).
 */
public final class IndexLimits {
  /** Indices are kept as floats in the rows, exact below 2^24. */
  static final int MAX_INDEX = 1 << 24;

  private IndexLimits() {}

  /**
   * {@code inputs} with the index limits of {@code module}; the module must accept a row of zeros
   * (checked before).
   */
  public static List<NetworkInput> probe(Module module, List<NetworkInput> inputs) {
    List<NetworkInput> out = new ArrayList<>();
    for (int j = 0; j < inputs.size(); j++) {
      NetworkInput in = inputs.get(j);
      out.add(in.index() ? in.withIndexLimit(limit(module, inputs, j)) : in);
    }
    return out;
  }

  private static int limit(Module module, List<NetworkInput> inputs, int j) {
    if (accepts(module, inputs, j, MAX_INDEX - 1)) {
      return 0;
    }
    int ok = 0; // accepted (the zero row)
    int bad = MAX_INDEX - 1; // refused
    while (bad - ok > 1) {
      int mid = ok + (bad - ok) / 2;
      if (accepts(module, inputs, j, mid)) {
        ok = mid;
      } else {
        bad = mid;
      }
    }
    return bad;
  }

  /** True if {@code module} runs on one row of zeros whose input {@code j} is all {@code value}. */
  private static boolean accepts(Module module, List<NetworkInput> inputs, int j, int value) {
    int total = 0;
    int off = 0;
    for (int k = 0; k < inputs.size(); k++) {
      if (k == j) {
        off = total;
      }
      total += inputs.get(k).width();
    }
    float[] row = new float[total];
    java.util.Arrays.fill(row, off, off + inputs.get(j).width(), value);
    try (NoGrad ng = NoGrad.enter()) {
      module.forward(NetworkInput.tensors(inputs, row, 1, Device.CPU));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
