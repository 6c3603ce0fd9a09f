package org.sparkgrad.nn.parallel;

/**
 * Sums float arrays across the replicas of one data-parallel step: PyTorch's {@code
 * torch.distributed.all_reduce(tensor, op=SUM)}, which {@code nn.SyncBatchNorm} calls to gather the
 * global batch's statistics in its forward and their gradients in its backward.
 *
 * <p>The contract, which the transport behind an implementation keeps: every replica that holds
 * rows of the step calls {@link #sum} the same number of times, in the same order, with arrays of
 * the same length at each call, and every call returns the elementwise sum of that call's arrays
 * over those replicas (the same array on each, summed in a fixed replica order so that every
 * replica gets the same bits). A replica with no rows of the step takes no part: it runs no forward
 * and makes no calls, and the others sum without it, so a layer's statistics count only rows that
 * exist. Calls are made on the thread that entered {@link ReplicaSync}, and block until every
 * replica has made the same call.
 */
@FunctionalInterface
public interface ReplicaReducer {
  /**
   * The elementwise sum of {@code local} over the replicas of the step.
   *
   * @param local this replica's values; the reducer must not keep it after returning
   * @return a new array of {@code local.length} sums
   */
  float[] sum(float[] local);

  /**
   * The elementwise sum of float64 values over the replicas, for a step run in float64 (gradient
   * checks). By default the values travel as floats through {@link #sum(float[])}, so they keep
   * float32 precision only; a reducer that can sum doubles overrides this.
   */
  default double[] sumDoubles(double[] local) {
    float[] f = new float[local.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) local[i];
    }
    float[] s = sum(f);
    double[] out = new double[s.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = s[i];
    }
    return out;
  }
}
