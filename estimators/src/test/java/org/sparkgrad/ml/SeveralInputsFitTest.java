package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.support.EngineLoop;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.tensor.Generator;

/**
 * Several feature columns ({@code featuresCols}), each its own input of a user module's {@code
 * forward(Tensor...)}: a dense vector and an integer category through an {@code Embedding}.
 */
class SeveralInputsFitTest {
  @TempDir Path tmp;

  @BeforeAll
  static void session() {
    TestSpark.session();
  }

  private static final StructType SCHEMA =
      new StructType()
          .add("dense", SQLDataTypes.VectorType(), true)
          .add("cat", DataTypes.IntegerType, true)
          .add("label", DataTypes.DoubleType, true);

  /**
   * {@code n} rows: the class is 1 when {@code x0 + shift[cat] > 0}, so neither the vector nor the
   * category alone tells it.
   */
  static List<Row> rows(int n, long seed) {
    double[] shift = {-1.5, -0.5, 0.5, 1.5};
    Generator g = new Generator(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int cat = i % 4;
      double x0 = g.nextGaussian();
      double x1 = g.nextGaussian();
      rows.add(RowFactory.create(Vectors.dense(x0, x1), cat, x0 + shift[cat] > 0 ? 1.0 : 0.0));
    }
    return rows;
  }

  static Dataset<Row> frame(List<Row> rows) {
    return TestSpark.session().createDataFrame(rows, SCHEMA);
  }

  private static NeuralNetClassifier classifier() {
    return new NeuralNetClassifier()
        .setFeaturesCols("dense", "cat")
        .setModuleClass(WideModule.Factory.class.getName())
        .setLearningRate(0.05)
        .setBatchSize(50)
        .setSeed(5);
  }

  private static double accuracy(Dataset<Row> scored) {
    return scored.filter("prediction = label").count() / (double) scored.count();
  }

  @Test
  void aVectorAndACategoryTrainSaveReloadAndScoreAlike() throws Exception {
    Dataset<Row> train = frame(rows(300, 1)).repartition(2);
    NeuralNetClassificationModel m = classifier().setMaxEpochs(12).fit(train);
    assertThat(accuracy(m.transform(train))).isGreaterThan(0.9);
    assertThat(m.stateDict().keySet())
        .containsExactly("emb.weight", "hidden.weight", "hidden.bias", "out.weight", "out.bias");
    // The forward pass at fit found the Embedding's num_embeddings as the category's limit.
    assertThat(m.networkSpec().inputs()).hasSize(2);
    assertThat(m.networkSpec().inputs().get(1).index()).isTrue();
    assertThat(m.networkSpec().inputs().get(1).indexLimit()).isEqualTo(4);
    assertThat(m.networkSpec().inputs().get(0).shape()).containsExactly(2);

    String path = tmp.resolve("wide").toString();
    m.write().save(path);
    NeuralNetClassificationModel loaded = NeuralNetClassificationModel.load(path);
    assertThat(loaded.getFeaturesCols()).containsExactly("dense", "cat");
    assertThat(loaded.networkSpec()).isEqualTo(m.networkSpec());
    Dataset<Row> test = frame(rows(40, 2));
    assertThat(loaded.transform(test).select("probability").collectAsList())
        .isEqualTo(m.transform(test).select("probability").collectAsList());
    assertThat(accuracy(loaded.transform(test))).isGreaterThan(0.85);
  }

  @Test
  void oneOrThreePartitionsTrainTheSameModel() {
    Dataset<Row> df = frame(rows(120, 3));
    float[] one = classifier().setMaxEpochs(2).fit(df.repartition(1)).weights();
    float[] three = classifier().setMaxEpochs(2).setNumReplicas(3).fit(df.repartition(3)).weights();
    assertThat(EngineLoop.relativeError(one, three)).isLessThan(1e-5);
  }

  @Test
  void itWorksInAPipelineThatSavesAndLoads() throws Exception {
    StructType raw =
        new StructType()
            .add("x0", DataTypes.DoubleType, true)
            .add("x1", DataTypes.DoubleType, true)
            .add("cat", DataTypes.LongType, true)
            .add("label", DataTypes.DoubleType, true);
    List<Row> rows = new ArrayList<>();
    for (Row r : rows(200, 4)) {
      double[] x = ((org.apache.spark.ml.linalg.Vector) r.get(0)).toArray();
      rows.add(RowFactory.create(x[0], x[1], (long) r.getInt(1), r.getDouble(2)));
    }
    Dataset<Row> df = TestSpark.session().createDataFrame(rows, raw);
    Pipeline pipeline =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new VectorAssembler()
                      .setInputCols(new String[] {"x0", "x1"})
                      .setOutputCol("dense"),
                  classifier().setMaxEpochs(10)
                });
    PipelineModel fitted = pipeline.fit(df);
    assertThat(accuracy(fitted.transform(df))).isGreaterThan(0.85);
    String path = tmp.resolve("pipeline").toString();
    fitted.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertThat(loaded.transform(df).select("prediction").collectAsList())
        .isEqualTo(fitted.transform(df).select("prediction").collectAsList());
  }

  @Test
  void badInputNamesTheRowColumnAndParam() {
    List<Row> rows = rows(60, 6);
    rows.set(17, RowFactory.create(Vectors.dense(0.1, 0.2), 7, 1.0));
    assertThatThrownBy(() -> classifier().setMaxEpochs(1).fit(frame(rows)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column 'cat' has index 7 in row 17")
        .hasMessageContaining("indices in [0, 4)");

    Dataset<Row> df = frame(rows(60, 7));
    assertThatThrownBy(() -> classifier().setModuleClass("").setHiddenLayers(new int[] {4}).fit(df))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("featuresCols is set but the network is the simple one");
    assertThatThrownBy(() -> classifier().setFeaturesCols("dense", "label2").fit(df))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("featuresCols: column 'label2' does not exist");
    assertThatThrownBy(
            () ->
                classifier()
                    .setFeaturesCols("dense", "name")
                    .fit(df.withColumn("name", org.apache.spark.sql.functions.lit("a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("featuresCols: column 'name' must be")
        .hasMessageContaining("an integer column");
    assertThatThrownBy(() -> classifier().setFeaturesCols("dense").fit(df))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fails on one row of 1 inputs")
        .hasMessageContaining("takes 2 inputs, got 1");

    NeuralNetClassificationModel m = classifier().setMaxEpochs(1).fit(df);
    assertThatThrownBy(
            () ->
                m.copy(new org.apache.spark.ml.param.ParamMap())
                    .setFeaturesCols(new String[0])
                    .transform(df))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the model's module takes 2 inputs; set featuresCols");
    assertThatThrownBy(
            () ->
                m.copy(new org.apache.spark.ml.param.ParamMap())
                    .setFeaturesCols("cat", "dense")
                    .transform(df))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column 'cat' is input 0 of the model");
    List<Row> bad = rows(10, 8);
    bad.set(3, RowFactory.create(Vectors.dense(0.1, 0.2), 4, 1.0));
    assertThatThrownBy(() -> m.transform(frame(bad)).collectAsList())
        .hasMessageContaining("column 'cat' has index 4 in row 3");
  }
}
