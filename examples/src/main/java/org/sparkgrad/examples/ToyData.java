package org.sparkgrad.examples;

import org.sparkgrad.data.TensorDataset;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * The walk-through's toy data: {@link SeedNetwork#CLASSES} Gaussian blobs in {@link SeedNetwork#IN}
 * dimensions (unit variance around centres drawn from {@code N(0, 2^2)}, so any two centres are
 * about 20 apart), split into a training and a test set drawn around the same centres.
 */
public final class ToyData {
  private final TensorDataset train;
  private final TensorDataset test;

  private ToyData(TensorDataset train, TensorDataset test) {
    this.train = train;
    this.test = test;
  }

  /**
   * {@code trainPerClass} and {@code testPerClass} samples of each class, drawn from {@code seed}.
   */
  public static ToyData blobs(int trainPerClass, int testPerClass, long seed) {
    Generator gen = new Generator(seed);
    Tensor centres = Tensor.randn(gen, SeedNetwork.CLASSES, SeedNetwork.IN).mul(2.0);
    return new ToyData(sample(centres, trainPerClass, gen), sample(centres, testPerClass, gen));
  }

  private static TensorDataset sample(Tensor centres, int perClass, Generator gen) {
    int classes = centres.size(0);
    long[] labels = new long[classes * perClass];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % classes;
    }
    Tensor y = Tensor.ofLongs(labels);
    Tensor x = Tensor.randn(gen, labels.length, centres.size(1)).add(centres.indexSelect(0, y));
    return new TensorDataset(x, y);
  }

  /** The training set: features {@code [n, 50]} float32, labels {@code [n]} int64. */
  public TensorDataset train() {
    return train;
  }

  /** The test set, drawn around the same centres as the training set. */
  public TensorDataset test() {
    return test;
  }
}
