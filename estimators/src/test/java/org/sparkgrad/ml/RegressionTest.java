package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.tensor.Generator;

/**
 * The regressor learns a nonlinear function: {@code y = sin(x1) + x2^2 / 2} on {@code [-2, 2]^2}.
 * The target's standard deviation is about 1 (the RMSE of predicting its mean); a two-layer tanh
 * MLP reaches an RMSE below 0.08 on held-out points, measured by MLlib's {@code
 * RegressionEvaluator}.
 */
class RegressionTest {
  private static Dataset<Row> points(int n, long seed) {
    Generator g = new Generator(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = g.nextDouble() * 4 - 2;
      double b = g.nextDouble() * 4 - 2;
      rows.add(RowFactory.create(Vectors.dense(a, b), Math.sin(a) + 0.5 * b * b));
    }
    return TestSpark.session().createDataFrame(rows, Data.schema());
  }

  @Test
  void learnsASmoothNonlinearFunction() {
    Dataset<Row> train = points(1600, 1);
    Dataset<Row> test = points(400, 2);
    NeuralNetRegressionModel model =
        new NeuralNetRegressor()
            .setHiddenLayers(new int[] {32, 32})
            .setActivation("tanh")
            .setLearningRate(0.02)
            .setBatchSize(200)
            .setMaxEpochs(20)
            .setSeed(1)
            .fit(train);
    assertThat(model.isVectorOutput()).isFalse();
    RegressionEvaluator rmse = new RegressionEvaluator().setMetricName("rmse");
    double baseline =
        Math.sqrt(
            test.selectExpr("variance(label) * (count(*) - 1) / count(*)").first().getDouble(0));
    double error = rmse.evaluate(model.transform(test));
    System.out.printf("regression test RMSE %.4f (predicting the mean: %.4f)%n", error, baseline);
    assertThat(baseline).isGreaterThan(0.8);
    assertThat(error).isLessThan(0.08);
    assertThat(model.summary().trainMetric()[19]).isLessThan(0.08);
  }
}
