package org.sparkgrad.nn;

import java.util.Arrays;
import java.util.List;
import org.sparkgrad.nn.parallel.ReplicaSync;
import org.sparkgrad.tensor.Tensor;

/**
 * A training batch's per-channel statistics for batch normalisation of a {@code [N, C]} or {@code
 * [N, C, L]} input: the mean, the input centred on it, the biased variance (both kept as {@code [1,
 * C]} or {@code [1, C, 1]}), and the number {@code n} of values per channel they are over.
 *
 * @param count the values per channel, {@code N * L} locally or summed over the replicas
 */
record BatchStatistics(Tensor mean, Tensor centered, Tensor var, double count) {
  /** The local batch's statistics, as {@code nn.BatchNorm1d} and {@code nn.BatchNorm2d}. */
  static BatchStatistics local(Tensor x) {
    int c = x.size(1);
    int n = x.numel() / Math.max(c, 1);
    checkCount(n, x);
    Tensor mean = channelMean(x);
    Tensor centered = x.sub(mean);
    return new BatchStatistics(mean, centered, channelMean(centered.mul(centered)), n);
  }

  /**
   * The statistics of the global batch, every replica's rows together, as PyTorch's {@code
   * nn.SyncBatchNorm}: one all-reduce of {@code [Σx_0, ..., Σx_{C-1}, n_local]} gives the global
   * count and mean, a second of {@code Σ(x - mean)²} per channel the biased variance. Autograd
   * flows through both all-reduces, whose backward sums the gradients over the replicas again.
   */
  static BatchStatistics global(Tensor x, int[] bshape) {
    int c = x.size(1);
    int local = x.numel() / Math.max(c, 1);
    Tensor count = Tensor.full((double) local, x.dtype(), 1).to(x.device());
    Tensor sums = ReplicaSync.allReduce(Tensor.cat(List.of(channelSum(x), count), 0));
    double n = sums.narrow(0, c, 1).item();
    checkCount(n, x);
    Tensor mean = sums.narrow(0, 0, c).div(n).reshape(bshape);
    Tensor centered = x.sub(mean);
    Tensor squares = ReplicaSync.allReduce(channelSum(centered.mul(centered)));
    return new BatchStatistics(mean, centered, squares.div(n).reshape(bshape), n);
  }

  private static void checkCount(double n, Tensor x) {
    if (n <= 1) {
      throw new IllegalArgumentException(
          "batchNorm: expected more than 1 value per channel when training, got "
              + (ReplicaSync.active()
                  ? (long) n + " over all replicas (this replica's input has shape "
                  : "input of shape ")
              + Arrays.toString(x.shape())
              + (ReplicaSync.active() ? ")" : ""));
    }
  }

  /** The mean over every dimension but 1, kept as {@code [1, C]} or {@code [1, C, 1]}. */
  private static Tensor channelMean(Tensor t) {
    return t.dim() == 2 ? t.mean(0, true) : t.mean(2, true).mean(0, true);
  }

  /** The sum over every dimension but 1, as {@code [C]}. */
  private static Tensor channelSum(Tensor t) {
    return t.dim() == 2 ? t.sum(0) : t.sum(2).sum(0);
  }
}
