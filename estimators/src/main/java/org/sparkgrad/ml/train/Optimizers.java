package org.sparkgrad.ml.train;

import java.util.List;
import org.sparkgrad.optim.Adam;
import org.sparkgrad.optim.AdamW;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.optim.RMSprop;
import org.sparkgrad.optim.SGD;
import org.sparkgrad.tensor.Tensor;

/** Builds the engine optimizer a {@link TrainingConfig} names. */
public final class Optimizers {
  private Optimizers() {}

  /**
   * The optimizer over {@code params}: {@code sgd} and {@code rmsprop} with the config's momentum,
   * every one with its weight decay (L2 for sgd, adam and rmsprop; decoupled for adamw) and
   * PyTorch's defaults otherwise.
   */
  public static Optimizer create(TrainingConfig c, List<Tensor> params) {
    return switch (c.optimizer()) {
      case "sgd" ->
          new SGD(
              params,
              new SGD.Options()
                  .lr(c.learningRate())
                  .momentum(c.momentum())
                  .weightDecay(c.weightDecay()));
      case "adam" ->
          new Adam(params, new Adam.Options().lr(c.learningRate()).weightDecay(c.weightDecay()));
      case "adamw" ->
          new AdamW(params, new AdamW.Options().lr(c.learningRate()).weightDecay(c.weightDecay()));
      case "rmsprop" ->
          new RMSprop(
              params,
              new RMSprop.Options()
                  .lr(c.learningRate())
                  .momentum(c.momentum())
                  .weightDecay(c.weightDecay()));
      default -> throw new IllegalArgumentException("unknown optimizer '" + c.optimizer() + "'");
    };
  }
}
