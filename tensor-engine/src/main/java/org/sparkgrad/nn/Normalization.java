package org.sparkgrad.nn;

import java.util.Arrays;
import org.sparkgrad.nn.parallel.ReplicaSync;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/** Layer and batch normalisation, composed from tensor ops so autograd derives their gradients. */
final class Normalization {
  private Normalization() {}

  static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
    int k = normalizedShape.length;
    int[] s = x.shape();
    boolean ok = k > 0 && s.length >= k;
    for (int i = 0; ok && i < k; i++) {
      ok = s[s.length - k + i] == normalizedShape[i];
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "layerNorm: normalized shape "
              + Arrays.toString(normalizedShape)
              + " must match the trailing dimensions of the input, got input of shape "
              + Arrays.toString(s));
    }
    checkAffine("layerNorm", weight, normalizedShape, "weight");
    checkAffine("layerNorm", bias, normalizedShape, "bias");
    int[] rows = Arrays.copyOf(s, s.length - k + 1);
    rows[rows.length - 1] = -1;
    Tensor flat = x.reshape(rows);
    Tensor centered = flat.sub(flat.mean(-1, true));
    Tensor var = centered.mul(centered).mean(-1, true);
    Tensor y = centered.div(var.add(eps).sqrt()).reshape(s);
    if (weight != null) {
      y = y.mul(weight);
    }
    if (bias != null) {
      y = y.add(bias);
    }
    return y;
  }

  private static void checkAffine(String op, Tensor t, int[] shape, String name) {
    if (t != null && !Arrays.equals(t.shape(), shape)) {
      throw new IllegalArgumentException(
          op
              + ": "
              + name
              + " must have shape "
              + Arrays.toString(shape)
              + ", got "
              + Arrays.toString(t.shape()));
    }
  }

  static Tensor batchNorm(
      Tensor x,
      Tensor runningMean,
      Tensor runningVar,
      Tensor weight,
      Tensor bias,
      boolean training,
      double momentum,
      double eps) {
    if (x.dim() != 2 && x.dim() != 3) {
      throw new IllegalArgumentException(
          "batchNorm: expected a 2-D [N, C] or 3-D [N, C, L] input, got shape "
              + Arrays.toString(x.shape()));
    }
    int c = x.size(1);
    int[] perChannel = {c};
    for (Tensor t : new Tensor[] {runningMean, runningVar, weight, bias}) {
      if (t != null && !Arrays.equals(t.shape(), perChannel)) {
        throw new IllegalArgumentException(
            "batchNorm: input of shape "
                + Arrays.toString(x.shape())
                + " has "
                + c
                + " channels, but the statistics and affine parameters have shape "
                + Arrays.toString(t.shape()));
      }
    }
    int[] bshape = x.dim() == 2 ? new int[] {1, c} : new int[] {1, c, 1};
    Tensor y;
    if (training) {
      BatchStatistics stats =
          ReplicaSync.active() ? BatchStatistics.global(x, bshape) : BatchStatistics.local(x);
      y = stats.centered().div(stats.var().add(eps).sqrt());
      if (runningMean != null || runningVar != null) {
        double n = stats.count();
        try (NoGrad ignored = NoGrad.enter()) {
          if (runningMean != null) {
            update(runningMean, stats.mean(), momentum, 1);
          }
          if (runningVar != null) {
            update(runningVar, stats.var(), momentum, n / (n - 1.0));
          }
        }
      }
    } else {
      if (runningMean == null || runningVar == null) {
        throw new IllegalArgumentException(
            "batchNorm: running mean and variance are needed in evaluation mode");
      }
      y =
          x.sub(runningMean.to(x.dtype()).reshape(bshape))
              .div(runningVar.to(x.dtype()).reshape(bshape).add(eps).sqrt());
    }
    if (weight != null) {
      y = y.mul(weight.reshape(bshape));
    }
    if (bias != null) {
      y = y.add(bias.reshape(bshape));
    }
    return y;
  }

  /** {@code running = (1 - momentum) running + momentum * scale * batch}. */
  private static void update(Tensor running, Tensor batch, double momentum, double scale) {
    Tensor b = batch.detach().reshape(running.shape()).to(running.dtype());
    running.mulInPlace(1 - momentum).addInPlace(b, momentum * scale);
  }
}
