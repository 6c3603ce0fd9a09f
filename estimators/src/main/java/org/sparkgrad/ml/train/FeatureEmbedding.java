package org.sparkgrad.ml.train;

import org.sparkgrad.nn.Embedding;
import org.sparkgrad.nn.F;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * An {@link Embedding} that reads float features as indices, so that it can be the first layer of a
 * network over a features vector: each value must be an integer in {@code [0, numEmbeddings)}
 * (floats hold every integer up to 2^24 exactly) and is looked up as that index. Its one parameter
 * is {@code weight} {@code [numEmbeddings, embeddingDim]}, as {@code nn.Embedding}'s, drawn from
 * {@code N(0, 1)} as PyTorch does, so the state dict is PyTorch's.
 *
 * <p>Shape: input {@code [N, *]} floats; output {@code [N, *, embeddingDim]}.
 */
final class FeatureEmbedding extends Module {
  private final int numEmbeddings;
  private final int embeddingDim;

  FeatureEmbedding(int numEmbeddings, int embeddingDim, Generator gen) {
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    registerParameter("weight", new Embedding(numEmbeddings, embeddingDim, gen).weight());
  }

  @Override
  public Tensor forward(Tensor input) {
    float[] v = input.toFloatArray();
    int perRow = input.dim() == 0 ? 1 : v.length / Math.max(1, input.size(0));
    long[] idx = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      String problem = indexProblem(v[i], numEmbeddings);
      if (problem != null) {
        throw new IllegalArgumentException(
            "embedding: the features of batch row "
                + i / perRow
                + " have "
                + problem
                + " at column "
                + i % perRow);
      }
      idx[i] = (long) v[i];
    }
    Tensor indices = Tensor.ofLongs(idx, input.shape()).to(input.device());
    return F.embedding(indices, param("weight"));
  }

  /**
   * Null if {@code value} is an index of a table of {@code num} rows, else what is wrong ("7.5, not
   * an integer index in [0, 10)").
   */
  static String indexProblem(float value, int num) {
    if (value >= 0 && value < num && value == Math.rint(value)) {
      return null;
    }
    return value + ", not an integer index in [0, " + num + ")";
  }

  @Override
  protected String moduleName() {
    return "Embedding";
  }

  @Override
  protected String extraRepr() {
    return numEmbeddings + ", " + embeddingDim;
  }
}
