package org.sparkgrad.nn;

import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * A lookup table of {@code numEmbeddings} learned vectors of size {@code embeddingDim}, as
 * PyTorch's {@code nn.Embedding}.
 *
 * <p>Parameter: {@code weight} {@code [numEmbeddings, embeddingDim]}, initialised from {@code N(0,
 * 1)} as PyTorch does. Only the rows looked up receive gradient.
 *
 * <p>Shape: int64 indices of any shape {@code [*]}, each in {@code [0, numEmbeddings)}; output
 * {@code [*, embeddingDim]}.
 */
public final class Embedding extends Module {
  private final int numEmbeddings;
  private final int embeddingDim;

  /**
   * A table initialised from the {@linkplain Generator#defaultGenerator() default generator}, as
   * {@code nn.Embedding(num_embeddings, embedding_dim)}. (A third number is a seed, not PyTorch's
   * {@code padding_idx}, which this layer does not have.)
   */
  public Embedding(int numEmbeddings, int embeddingDim) {
    this(numEmbeddings, embeddingDim, Generator.defaultGenerator());
  }

  /** A table initialised from a generator seeded with {@code seed}. */
  public Embedding(int numEmbeddings, int embeddingDim, long seed) {
    this(numEmbeddings, embeddingDim, new Generator(seed));
  }

  /** A table initialised from {@code gen}. */
  public Embedding(int numEmbeddings, int embeddingDim, Generator gen) {
    Init.checkPositive("Embedding", "num_embeddings", numEmbeddings);
    Init.checkPositive("Embedding", "embedding_dim", embeddingDim);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    registerParameter("weight", Init.normal(gen, numEmbeddings, embeddingDim));
  }

  /** {@code [numEmbeddings, embeddingDim]}. */
  public Tensor weight() {
    return param("weight");
  }

  @Override
  public Tensor forward(Tensor input) {
    return F.embedding(input, weight());
  }

  @Override
  protected String extraRepr() {
    return numEmbeddings + ", " + embeddingDim;
  }
}
