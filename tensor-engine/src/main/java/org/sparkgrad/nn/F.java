package org.sparkgrad.nn;

import java.util.Arrays;
import org.sparkgrad.nn.loss.BCELoss;
import org.sparkgrad.nn.loss.BCEWithLogitsLoss;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.nn.loss.HuberLoss;
import org.sparkgrad.nn.loss.L1Loss;
import org.sparkgrad.nn.loss.MSELoss;
import org.sparkgrad.nn.loss.NLLLoss;
import org.sparkgrad.nn.loss.Reduction;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * The functional forms of the layers and losses, as PyTorch's {@code torch.nn.functional}: the same
 * computations with the parameters passed in. Every function is differentiable in its tensor
 * arguments unless said otherwise. Optional arguments have PyTorch's defaults in the shorter
 * overloads ({@code F.mseLoss(a, b)} is the mean, {@code F.dropout(x)} drops half in training mode
 * with masks from the default generator); the longer overloads take them in PyTorch's order.
 */
public final class F {
  private F() {}

  // ---------------------------------------------------------------- activations

  /** {@code max(x, 0)}. */
  public static Tensor relu(Tensor x) {
    return x.relu();
  }

  /** {@code x} where {@code x > 0}, else {@code 0.01 x}: PyTorch's default slope. */
  public static Tensor leakyRelu(Tensor x) {
    return leakyRelu(x, 0.01);
  }

  /** {@code x} where {@code x > 0}, else {@code negativeSlope * x}. */
  public static Tensor leakyRelu(Tensor x, double negativeSlope) {
    return Tensor.where(x.gt(0), x, x.mul(negativeSlope));
  }

  /** The exact GELU {@code x * Phi(x)}. */
  public static Tensor gelu(Tensor x) {
    return x.gelu();
  }

  /** {@code 1 / (1 + exp(-x))}. */
  public static Tensor sigmoid(Tensor x) {
    return x.sigmoid();
  }

  /** The hyperbolic tangent. */
  public static Tensor tanh(Tensor x) {
    return x.tanh();
  }

  /** {@code exp(x) / sum(exp(x))} along {@code dim}. */
  public static Tensor softmax(Tensor x, int dim) {
    return x.softmax(dim);
  }

  /** {@code log(softmax(x))} along {@code dim}, computed stably. */
  public static Tensor logSoftmax(Tensor x, int dim) {
    return x.logSoftmax(dim);
  }

  // ---------------------------------------------------------------- layers

  /** {@code x W^T + b} ({@code bias} may be null); see {@link Linear}. */
  public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
    return Tensor.linear(x, weight, bias);
  }

  /** {@code dropout(x, 0.5, true)}: PyTorch's defaults. */
  public static Tensor dropout(Tensor x) {
    return dropout(x, 0.5, true);
  }

  /** {@code dropout(x, p, true)}: PyTorch's default is training mode. */
  public static Tensor dropout(Tensor x, double p) {
    return dropout(x, p, true);
  }

  /**
   * Inverted dropout with masks from the {@linkplain Generator#defaultGenerator() default
   * generator}, as {@code F.dropout(x, p, training)}.
   */
  public static Tensor dropout(Tensor x, double p, boolean training) {
    return dropout(x, p, training, Generator.defaultGenerator());
  }

  /**
   * Inverted dropout: in training, each element is zeroed with probability {@code p} (a mask drawn
   * from {@code gen}) and the survivors are scaled by {@code 1 / (1 - p)}, so the expectation is
   * unchanged; otherwise {@code x} itself is returned.
   *
   * @param p the drop probability, in [0, 1)
   */
  public static Tensor dropout(Tensor x, double p, boolean training, Generator gen) {
    checkDropout(p);
    if (!training || p == 0) {
      return x;
    }
    Init.checkGenerator(gen);
    Tensor keep =
        Tensor.rand(gen, x.shape()).lt(1 - p).to(x.dtype()).to(x.device()).mul(1 / (1 - p));
    return x.mul(keep);
  }

  static void checkDropout(double p) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
    }
  }

  /** {@code conv2d(x, weight, null, 1, 0)}: no bias, stride 1, no padding. */
  public static Tensor conv2d(Tensor x, Tensor weight) {
    return conv2d(x, weight, null, 1, 0);
  }

  /** {@code conv2d(x, weight, bias, 1, 0)}: stride 1, no padding. */
  public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
    return conv2d(x, weight, bias, 1, 0);
  }

  /**
   * 2-D convolution (cross-correlation, as PyTorch's), with zero padding.
   *
   * <p>Shape: input {@code [N, C, H, W]}, weight {@code [O, C, kH, kW]}, bias {@code [O]} or null;
   * output {@code [N, O, OH, OW]} with {@code OH = (H + 2 padding - kH) / stride + 1}.
   */
  public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
    return Convolutions.conv2d(x, weight, bias, stride, padding);
  }

  /** {@code maxPool2d(x, kernel, kernel, 0)}: PyTorch's default stride is the kernel size. */
  public static Tensor maxPool2d(Tensor x, int kernel) {
    return maxPool2d(x, kernel, kernel, 0);
  }

  /**
   * 2-D max pooling over {@code kernel x kernel} windows; padded positions never win.
   *
   * <p>Shape: input {@code [N, C, H, W]}, output {@code [N, C, OH, OW]} with {@code OH = (H + 2
   * padding - kernel) / stride + 1}.
   */
  public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
    return Convolutions.maxPool2d(x, kernel, stride, padding);
  }

  /** {@code layerNorm(x, normalizedShape, null, null, 1e-5)}: no affine parameters. */
  public static Tensor layerNorm(Tensor x, int... normalizedShape) {
    return layerNorm(x, normalizedShape, null, null, 1e-5);
  }

  /**
   * Layer normalisation over the trailing {@code normalizedShape} dimensions: {@code (x - mean) /
   * sqrt(var + eps) * weight + bias} with the biased variance; weight and bias may be null.
   */
  public static Tensor layerNorm(
      Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
    return Normalization.layerNorm(x, normalizedShape, weight, bias, eps);
  }

  /**
   * Batch normalisation over every dimension but 1 of a {@code [N, C]} or {@code [N, C, L]} input.
   * In training the batch statistics normalise (biased variance) and, where given, the running
   * statistics are updated in place, {@code running = (1 - momentum) running + momentum * stat},
   * with the unbiased variance; otherwise the running statistics normalise.
   */
  public static Tensor batchNorm(
      Tensor x,
      Tensor runningMean,
      Tensor runningVar,
      Tensor weight,
      Tensor bias,
      boolean training,
      double momentum,
      double eps) {
    return Normalization.batchNorm(
        x, runningMean, runningVar, weight, bias, training, momentum, eps);
  }

  /**
   * The rows of {@code weight} at int64 {@code indices}.
   *
   * <p>Shape: indices of any shape {@code [*]}, weight {@code [num, dim]}; output {@code [*, dim]}.
   */
  public static Tensor embedding(Tensor indices, Tensor weight) {
    if (indices.dtype() != DType.INT64) {
      throw new IllegalArgumentException(
          "embedding: indices must be int64, got " + indices.dtype());
    }
    int num = weight.size(0);
    long[] idx = indices.toLongArray();
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= num) {
        throw new IllegalArgumentException(
            "embedding: index "
                + idx[i]
                + " at position "
                + i
                + " is out of range for "
                + num
                + " embeddings");
      }
    }
    int[] outShape = Arrays.copyOf(indices.shape(), indices.dim() + 1);
    outShape[indices.dim()] = weight.size(1);
    return weight.indexSelect(0, indices.reshape(-1)).reshape(outShape);
  }

  /** {@code oneHot(indices, -1)}: as many classes as the largest index + 1. */
  public static Tensor oneHot(Tensor indices) {
    return oneHot(indices, -1);
  }

  /**
   * One-hot encoding of int64 class indices, as {@code torch.nn.functional.one_hot}: an int64
   * tensor of shape {@code [*, numClasses]}; {@code numClasses = -1} infers {@code max + 1}. Not
   * differentiable.
   */
  public static Tensor oneHot(Tensor indices, int numClasses) {
    if (indices.dtype() != DType.INT64) {
      throw new IllegalArgumentException(
          "oneHot: class values must be int64, got " + indices.dtype());
    }
    long[] idx = indices.toLongArray();
    int c = numClasses;
    if (c == -1) {
      long max = -1;
      for (long v : idx) {
        max = Math.max(max, v);
      }
      c = Math.toIntExact(max + 1);
    } else if (c < 1) {
      throw new IllegalArgumentException("oneHot: numClasses must be >= 1 or -1, got " + c);
    }
    long[] out = new long[Math.multiplyExact(idx.length, c)];
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= c) {
        throw new IllegalArgumentException(
            "oneHot: class value " + idx[i] + " at position " + i + " is not in [0, " + c + ")");
      }
      out[i * c + (int) idx[i]] = 1;
    }
    int[] shape = Arrays.copyOf(indices.shape(), indices.dim() + 1);
    shape[indices.dim()] = c;
    return Tensor.ofLongs(out, shape).to(indices.device());
  }

  // ---------------------------------------------------------------- losses

  /** The mean cross-entropy of logits against class indices or probabilities. */
  public static Tensor crossEntropy(Tensor input, Tensor target) {
    return new CrossEntropyLoss().forward(input, target);
  }

  /** The cross-entropy; see {@link CrossEntropyLoss} for the exact definition. */
  public static Tensor crossEntropy(
      Tensor input,
      Tensor target,
      Tensor weight,
      long ignoreIndex,
      Reduction reduction,
      double labelSmoothing) {
    return new CrossEntropyLoss(weight, ignoreIndex, reduction, labelSmoothing)
        .forward(input, target);
  }

  /** The mean negative log-likelihood of class indices given log-probabilities. */
  public static Tensor nllLoss(Tensor input, Tensor target) {
    return new NLLLoss().forward(input, target);
  }

  /** The negative log-likelihood; see {@link NLLLoss}. */
  public static Tensor nllLoss(
      Tensor input, Tensor target, Tensor weight, long ignoreIndex, Reduction reduction) {
    return new NLLLoss(weight, ignoreIndex, reduction).forward(input, target);
  }

  /** The mean squared error, as {@code F.mse_loss(input, target)}. */
  public static Tensor mseLoss(Tensor input, Tensor target) {
    return mseLoss(input, target, Reduction.MEAN);
  }

  /** The squared error; see {@link MSELoss}. */
  public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
    return new MSELoss(reduction).forward(input, target);
  }

  /** The mean absolute error, as {@code F.l1_loss(input, target)}. */
  public static Tensor l1Loss(Tensor input, Tensor target) {
    return l1Loss(input, target, Reduction.MEAN);
  }

  /** The absolute error; see {@link L1Loss}. */
  public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
    return new L1Loss(reduction).forward(input, target);
  }

  /** The mean Huber loss with {@code delta = 1}, as {@code F.huber_loss(input, target)}. */
  public static Tensor huberLoss(Tensor input, Tensor target) {
    return huberLoss(input, target, Reduction.MEAN, 1.0);
  }

  /** The Huber loss; see {@link HuberLoss}. */
  public static Tensor huberLoss(Tensor input, Tensor target, Reduction reduction, double delta) {
    return new HuberLoss(reduction, delta).forward(input, target);
  }

  /**
   * The mean binary cross-entropy of probabilities, as {@code F.binary_cross_entropy(input,
   * target)}; see {@link BCELoss}.
   */
  public static Tensor binaryCrossEntropy(Tensor input, Tensor target) {
    return binaryCrossEntropy(input, target, null, Reduction.MEAN);
  }

  /** The binary cross-entropy of probabilities; see {@link BCELoss}. {@code weight} may be null. */
  public static Tensor binaryCrossEntropy(
      Tensor input, Tensor target, Tensor weight, Reduction reduction) {
    return new BCELoss(weight, reduction).forward(input, target);
  }

  /** As {@link #binaryCrossEntropy(Tensor, Tensor, Tensor, Reduction)}, by its short name. */
  public static Tensor bce(Tensor input, Tensor target, Tensor weight, Reduction reduction) {
    return binaryCrossEntropy(input, target, weight, reduction);
  }

  /**
   * The mean binary cross-entropy of logits, as {@code F.binary_cross_entropy_with_logits(input,
   * target)}; see {@link BCEWithLogitsLoss}.
   */
  public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
    return binaryCrossEntropyWithLogits(input, target, null, Reduction.MEAN, null);
  }

  /** The binary cross-entropy of logits; see {@link BCEWithLogitsLoss}. Weights may be null. */
  public static Tensor binaryCrossEntropyWithLogits(
      Tensor input, Tensor target, Tensor weight, Reduction reduction, Tensor posWeight) {
    return new BCEWithLogitsLoss(weight, reduction, posWeight).forward(input, target);
  }

  /** As {@link #binaryCrossEntropyWithLogits(Tensor, Tensor, Tensor, Reduction, Tensor)}. */
  public static Tensor bceWithLogits(
      Tensor input, Tensor target, Tensor weight, Reduction reduction, Tensor posWeight) {
    return binaryCrossEntropyWithLogits(input, target, weight, reduction, posWeight);
  }
}
