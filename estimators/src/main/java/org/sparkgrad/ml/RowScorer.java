package org.sparkgrad.ml;

import org.apache.spark.ml.linalg.Vector;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.NoGrad;

/**
 * Scores one features vector at a time for the models' {@code predict(Vector)} family (MLlib's
 * single-row serving API): the row goes through the network in evaluation mode with no graph, and
 * the outputs are turned into values by the same {@link Scoring.Outputs} that {@code transform}
 * uses, so a row gets the values {@code transform} gives it.
 *
 * <p>It computes on the CPU of the calling thread, with no Spark job; each thread gets its own copy
 * of the network on first use, so serving threads share no mutable state. It does not batch rows
 * (use {@code transform} for tables) and does not use a GPU (a launch per row costs more than the
 * row's arithmetic): where {@code transform} runs on a GPU, its values may differ from these in the
 * last bits of a float, as any two devices' sums may.
 */
final class RowScorer {
  private final NetworkSpec spec;
  private final ThreadLocal<Replica> replicas;

  /**
   * A scorer of {@code spec} with flat {@code weights} and {@code buffers} (not copied: the model's
   * own).
   */
  RowScorer(NetworkSpec spec, float[] weights, float[] buffers) {
    this.spec = spec;
    this.replicas =
        ThreadLocal.withInitial(
            () -> {
              Replica r = new Replica(spec, Device.CPU);
              r.setWeights(weights);
              r.setBuffers(buffers);
              return r;
            });
  }

  /**
   * The network's outputs for {@code features}.
   *
   * @throws IllegalArgumentException if {@code features} is null, has the wrong size or a value
   *     that is not finite as a float, naming the size expected or the index
   */
  float[] outputs(Vector features) {
    float[] x = read(features, spec.inputSize());
    try (NoGrad ng = NoGrad.enter()) {
      Replica r = replicas.get();
      return r.forwardEval(r.inputs(x, 1, x.length)).toFloatArray();
    }
  }

  /** The output values {@code outputs} makes of the network's outputs for {@code features}. */
  Object[] values(Vector features, Scoring.Outputs outputs) {
    float[] out = outputs(features);
    Object[] dst = new Object[outputs.count()];
    outputs.values(out, 0, out.length, dst, 0);
    return dst;
  }

  /** {@code features} as floats, as {@code transform} reads a row's features. */
  private static float[] read(Vector features, int numFeatures) {
    if (features == null) {
      throw new IllegalArgumentException("predict: features is null");
    }
    if (features.size() != numFeatures) {
      throw new IllegalArgumentException(
          "predict: features has size "
              + features.size()
              + ", expected "
              + numFeatures
              + " (the model's numFeatures)");
    }
    double[] v = features.toArray();
    float[] x = new float[numFeatures];
    for (int i = 0; i < numFeatures; i++) {
      x[i] = (float) v[i];
      if (!Float.isFinite(x[i])) {
        throw new IllegalArgumentException(
            "predict: features has "
                + v[i]
                + " at index "
                + i
                + "; features must be finite (and fit in a float)");
      }
    }
    return x;
  }
}
