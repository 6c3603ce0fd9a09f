package org.sparkgrad.ml;

import org.sparkgrad.ml.train.ModuleBuilder;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Generator;

/**
 * Builds a user's own {@link Module} for {@link NeuralNetClassifier} and {@link
 * NeuralNetRegressor}: give it with {@code setModuleFactory} (a lambda or an object) or name its
 * class with {@code setModuleClass} (a public class with a public no-argument constructor).
 *
 * <pre>{@code
 * public final class ResidualMlpFactory implements ModuleFactory {
 *   public Module create(Generator gen) {
 *     return new ResidualMlp(4, 32, 3, gen);
 *   }
 * }
 * new NeuralNetClassifier().setModuleClass(ResidualMlpFactory.class.getName()).fit(train);
 * }</pre>
 *
 * <p>The module's {@code forward} takes a batch {@code [rows, features]} (or {@code [rows,
 * *inputShape]} with the {@code inputShape} param) and returns {@code [rows, outputs]}: class
 * scores (logits) for the classifier, label values for the regressor. Its parameters and state-dict
 * names are its own ({@code block.fc1.weight}, ...), and they are what a saved model holds.
 *
 * <p>The factory is serialized into the tasks that build the executors' replicas, so what a lambda
 * captures must be serializable. A saved model records the factory's class name, so {@code save}
 * needs a factory class with a public no-argument constructor (not a lambda); see docs/NETWORKS.md.
 */
@FunctionalInterface
public interface ModuleFactory extends ModuleBuilder {
  /**
   * A new module with initial weights drawn from {@code gen}. The fit calls it with a generator
   * seeded by the {@code seed} param, so the same seed gives the same initial weights.
   */
  @Override
  Module create(Generator gen);
}
