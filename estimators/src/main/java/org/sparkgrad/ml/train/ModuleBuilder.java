package org.sparkgrad.ml.train;

import java.io.Serializable;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Generator;

/**
 * Builds a user's own network, for the trainer core: the Spark-free side of {@code
 * org.sparkgrad.ml.ModuleFactory}, which extends it. Serializable, because it is shipped to
 * executors inside the tasks that build replicas.
 */
@FunctionalInterface
public interface ModuleBuilder extends Serializable {
  /**
   * A new module with initial weights drawn from {@code gen}: the same generator state must give
   * the same weights.
   */
  Module create(Generator gen);
}
