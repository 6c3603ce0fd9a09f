package org.sparkgrad.ml;

import java.util.List;
import java.util.stream.Stream;
import org.sparkgrad.ml.params.CheckpointParams;
import org.sparkgrad.ml.params.ClassifierParams;
import org.sparkgrad.ml.params.ColumnParams;
import org.sparkgrad.ml.params.ExecutionParams;
import org.sparkgrad.ml.params.NetworkParams;
import org.sparkgrad.ml.params.OptimizerParams;
import org.sparkgrad.ml.params.ParamDecl;
import org.sparkgrad.ml.params.RegressorParams;
import org.sparkgrad.ml.params.TrainingParams;

/**
 * The params shared by {@link NeuralNetClassifier}, {@link NeuralNetRegressor} and their models, by
 * concern: the columns, the network (given by params or as a user's own {@code Module}), the fit,
 * the optimizer, where it runs, and checkpoints. Each param is declared once, in its group ({@code
 * org.sparkgrad.ml.params}); each is a public no-argument method returning the {@code Param}, which
 * is how Spark's {@code params()} finds params (by reflection; a field would be ignored), with a
 * getter beside it; the estimators and models add the setters.
 */
public interface NeuralNetParams
    extends ColumnParams,
        NetworkParams,
        UserModuleParams,
        TrainingParams,
        OptimizerParams,
        ExecutionParams,
        CheckpointParams {

  /**
   * Every declaration of the estimators' and models' params, both tasks: each instance makes the
   * params of its task from these ({@link org.sparkgrad.ml.params.ParamSet}).
   */
  static List<ParamDecl<?>> declarations() {
    return Stream.of(
            ColumnParams.DECLARED,
            NetworkParams.DECLARED,
            UserModuleParams.DECLARED,
            TrainingParams.DECLARED,
            OptimizerParams.DECLARED,
            ExecutionParams.DECLARED,
            CheckpointParams.DECLARED,
            ClassifierParams.DECLARED,
            RegressorParams.DECLARED)
        .flatMap(List::stream)
        .toList();
  }
}
