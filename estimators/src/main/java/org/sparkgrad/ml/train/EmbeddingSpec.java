package org.sparkgrad.ml.train;

import java.util.Map;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Generator;

/**
 * {@code nn.Embedding(num_embeddings, embedding_dim)} as the first layer: each feature of a row is
 * an index, given as an integer-valued float in {@code [0, num_embeddings)}, and becomes that row
 * of the table ({@link FeatureEmbedding}). A row of shape {@code [L]} (the {@code inputShape}
 * param) outputs {@code [L, embedding_dim]}, usually followed by {@code flatten}. The fit and
 * scoring check every value and name the row and column of one that is not an index.
 */
public record EmbeddingSpec(int numEmbeddings, int embeddingDim) implements LayerSpec {
  /** Checks the sizes. */
  public EmbeddingSpec {
    if (numEmbeddings <= 0 || embeddingDim <= 0) {
      throw new IllegalArgumentException(
          "embedding num_embeddings and embedding_dim must be > 0, got "
              + numEmbeddings
              + ", "
              + embeddingDim);
    }
  }

  @Override
  public String type() {
    return "embedding";
  }

  @Override
  public Map<String, Object> toJson() {
    Map<String, Object> m = LayerSpec.base(type());
    m.put("num_embeddings", numEmbeddings);
    m.put("embedding_dim", embeddingDim);
    return m;
  }

  @Override
  public Module build(Generator gen) {
    return new FeatureEmbedding(numEmbeddings, embeddingDim, gen);
  }

  @Override
  public int[] outputShape(int[] in, String source) {
    int[] out = java.util.Arrays.copyOf(in, in.length + 1);
    out[in.length] = embeddingDim;
    return out;
  }
}
