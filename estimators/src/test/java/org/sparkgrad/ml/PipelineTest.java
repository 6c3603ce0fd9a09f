package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.tensor.Generator;

/**
 * A full MLlib citizen: in a {@code Pipeline} after {@code VectorAssembler} and {@code
 * StandardScaler}, tuned by {@code CrossValidator} with two fits at once, evaluated, saved with the
 * pipeline, loaded, and predicting identically.
 */
class PipelineTest {
  @TempDir Path tmp;

  /** Two classes separated by a circle, on columns of very different scales. */
  private static Dataset<Row> data(int n, long seed) {
    StructType schema =
        new StructType()
            .add("a", DataTypes.DoubleType)
            .add("b", DataTypes.DoubleType)
            .add("label", DataTypes.DoubleType);
    Generator g = new Generator(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = g.nextDouble() * 2 - 1;
      double b = g.nextDouble() * 2 - 1;
      rows.add(RowFactory.create(a * 1000, b * 0.01, a * a + b * b < 0.45 ? 1.0 : 0.0));
    }
    return TestSpark.session().createDataFrame(rows, schema);
  }

  @Test
  void crossValidatedPipelineFitsEvaluatesSavesAndLoads() throws IOException {
    Dataset<Row> train = data(240, 1).cache();
    Dataset<Row> test = data(100, 2);
    NeuralNetClassifier nn =
        new NeuralNetClassifier()
            .setFeaturesCol("scaled")
            .setBatchSize(32)
            .setMaxEpochs(12)
            .setSeed(5);
    Pipeline pipeline =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new VectorAssembler().setInputCols(new String[] {"a", "b"}).setOutputCol("raw"),
                  new StandardScaler().setInputCol("raw").setOutputCol("scaled"),
                  nn
                });
    ParamMap[] grid =
        new ParamGridBuilder()
            .addGrid(
                nn.hiddenLayers(),
                scala.jdk.javaapi.CollectionConverters.asScala(
                    List.of(new int[] {4}, new int[] {16, 16})))
            .addGrid(nn.learningRate(), new double[] {0.001, 0.03})
            .build();
    MulticlassClassificationEvaluator accuracy =
        new MulticlassClassificationEvaluator().setMetricName("accuracy");
    CrossValidator cv =
        new CrossValidator()
            .setEstimator(pipeline)
            .setEstimatorParamMaps(grid)
            .setEvaluator(accuracy)
            .setNumFolds(2)
            .setParallelism(2)
            .setSeed(3);
    CrossValidatorModel cvModel = cv.fit(train);
    train.unpersist();
    double[] metrics = cvModel.avgMetrics();
    assertThat(metrics).hasSize(4);
    int best = 0;
    for (int i = 0; i < 4; i++) {
      best = metrics[i] > metrics[best] ? i : best;
    }
    assertThat(grid[best].get(nn.learningRate()).get()).isEqualTo(0.03);
    PipelineModel bestModel = (PipelineModel) cvModel.bestModel();
    Transformer last = bestModel.stages()[2];
    assertThat(last).isInstanceOf(NeuralNetClassificationModel.class);
    Dataset<Row> scored = bestModel.transform(test);
    assertThat(accuracy.evaluate(scored)).isGreaterThan(0.85);

    String path = tmp.resolve("pipeline").toString();
    bestModel.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertThat(loaded.stages()[2]).isInstanceOf(NeuralNetClassificationModel.class);
    PersistenceTest.assertSameParams(last, loaded.stages()[2]);
    List<Row> before = scored.select("probability", "prediction").collectAsList();
    assertThat(loaded.transform(test).select("probability", "prediction").collectAsList())
        .isEqualTo(before);

    String cvPath = tmp.resolve("cv").toString();
    cvModel.write().save(cvPath);
    CrossValidatorModel cvLoaded = CrossValidatorModel.load(cvPath);
    assertThat(cvLoaded.avgMetrics()).containsExactly(metrics);
    assertThat(cvLoaded.transform(test).select("probability", "prediction").collectAsList())
        .isEqualTo(before);
  }
}
