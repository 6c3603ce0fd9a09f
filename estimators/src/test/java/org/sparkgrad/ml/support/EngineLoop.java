package org.sparkgrad.ml.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.sparkgrad.ml.data.BlockBuilder;
import org.sparkgrad.ml.data.EpochPermutation;
import org.sparkgrad.ml.train.KeyedDropout;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.nn.Dropout;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.optim.SGD;
import org.sparkgrad.tensor.Tensor;

/**
 * The reference: a plain engine training loop, the one a PyTorch user writes, over the global
 * minibatches the sampler defines (rows ranked by content hash, each epoch ordered by {@link
 * EpochPermutation}, minibatch {@code s} = positions {@code [s*B, (s+1)*B)}), with mean
 * cross-entropy and SGD. Dropout masks are {@link KeyedDropout}'s, the definition of the masks.
 */
public final class EngineLoop {
  private EngineLoop() {}

  /** The global row id of each row: the rank of its content hash. */
  public static long[] rowIds(float[][] x, float[] labels) {
    int n = x.length;
    long[] h = new long[n];
    for (int i = 0; i < n; i++) {
      h[i] = BlockBuilder.hash(x[i], new float[] {labels[i]}, 1f);
    }
    Integer[] idx = new Integer[n];
    Arrays.setAll(idx, i -> i);
    Arrays.sort(idx, Comparator.comparingLong(i -> h[i]));
    long[] ids = new long[n];
    for (int r = 0; r < n; r++) {
      ids[idx[r]] = r;
    }
    return ids;
  }

  /**
   * Trains {@code spec} (built with {@code seed}) for {@code epochs} epochs of batch {@code batch}
   * with {@code SGD(lr, momentum)} on rows {@code x} with class labels; returns the flat weights.
   */
  public static float[] train(
      NetworkSpec spec,
      float[][] x,
      float[] labels,
      long seed,
      int epochs,
      int batch,
      double lr,
      double momentum) {
    int n = x.length;
    int d = x[0].length;
    long[] ids = rowIds(x, labels);
    Sequential net = spec.build(seed);
    Optimizer opt = new SGD(net.parameters(), new SGD.Options().lr(lr).momentum(momentum));
    CrossEntropyLoss loss = new CrossEntropyLoss();
    int steps = (n + batch - 1) / batch;
    for (int e = 0; e < epochs; e++) {
      EpochPermutation perm = new EpochPermutation(n, seed, e);
      Integer[] order = new Integer[n];
      Arrays.setAll(order, i -> i);
      long[] pos = new long[n];
      for (int i = 0; i < n; i++) {
        pos[i] = perm.positionOf(ids[i]);
      }
      Arrays.sort(order, Comparator.comparingLong(i -> pos[i]));
      for (int s = 0; s < steps; s++) {
        List<Integer> rows = new ArrayList<>();
        for (Integer i : order) {
          if (pos[i] >= (long) s * batch && pos[i] < (long) (s + 1) * batch) {
            rows.add(i);
          }
        }
        int m = rows.size();
        float[] xs = new float[m * d];
        long[] ys = new long[m];
        long[] batchIds = new long[m];
        for (int k = 0; k < m; k++) {
          System.arraycopy(x[rows.get(k)], 0, xs, k * d, d);
          ys[k] = (long) labels[rows.get(k)];
          batchIds[k] = ids[rows.get(k)];
        }
        Tensor h = Tensor.of(xs, m, d);
        for (int layer = 0; layer < net.size(); layer++) {
          Module mod = net.get(layer);
          h =
              mod instanceof Dropout drop
                  ? KeyedDropout.apply(h, drop.p(), batchIds, KeyedDropout.key(seed, e, s, layer))
                  : mod.forward(h);
        }
        opt.zeroGrad();
        loss.forward(h, Tensor.ofLongs(ys, m)).backward();
        opt.step();
      }
    }
    return Replica.flatWeights(net);
  }

  /** {@code max |a - b| / max |b|}. */
  public static double relativeError(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(a.length + " vs " + b.length + " weights");
    }
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    return diff / scale;
  }
}
