package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/** {@code transform}: MLlib's output columns, batch-size independent, lazy, every column kept. */
class ScoringTest {
  private static NeuralNetClassificationModel model;
  private static Dataset<Row> data;

  @BeforeAll
  static void fit() {
    data =
        Data.blobsFrame(90, 21)
            .withColumn("id", functions.monotonically_increasing_id().cast("string"))
            .select("id", "features", "label");
    model =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {6})
            .setLearningRate(0.05)
            .setBatchSize(30)
            .setMaxEpochs(3)
            .setSeed(4)
            .fit(data);
  }

  @Test
  void keepsEveryColumnAndAddsRawPredictionProbabilityAndPrediction() {
    Dataset<Row> out = model.transform(data);
    assertThat(out.columns())
        .containsExactly("id", "features", "label", "rawPrediction", "probability", "prediction");
    Attribute a = Attribute.fromStructField(out.schema().apply("prediction"));
    assertThat(((NominalAttribute) a).getNumValues().get()).isEqualTo(3);
    List<Row> rows = out.collectAsList();
    List<Row> in = data.collectAsList();
    assertThat(rows).hasSize(90);
    float[] x = new float[90 * 4];
    for (int i = 0; i < 90; i++) {
      Row r = rows.get(i);
      assertThat(r.getString(0)).isEqualTo(in.get(i).getString(0));
      assertThat((Vector) r.get(1)).isEqualTo(in.get(i).get(1));
      double[] v = ((Vector) r.get(1)).toArray();
      for (int j = 0; j < 4; j++) {
        x[i * 4 + j] = (float) v[j];
      }
    }
    float[] logits;
    try (NoGrad ng = NoGrad.enter()) {
      logits = model.toModule().forward(Tensor.of(x, 90, 4)).toFloatArray();
    }
    for (int i = 0; i < 90; i++) {
      double[] raw = ((Vector) rows.get(i).get(3)).toArray();
      double[] p = ((Vector) rows.get(i).get(4)).toArray();
      double prediction = rows.get(i).getDouble(5);
      double sum = 0;
      double z = 0;
      int best = 0;
      double mean = (logits[i * 3] + logits[i * 3 + 1] + logits[i * 3 + 2]) / 3.0;
      for (int c = 0; c < 3; c++) {
        assertThat(raw[c]).isCloseTo(logits[i * 3 + c] - mean, within(1e-6));
        sum += p[c];
        z += Math.exp(raw[c]);
        best = p[c] > p[best] ? c : best;
      }
      assertThat(sum).isCloseTo(1.0, within(1e-12));
      for (int c = 0; c < 3; c++) {
        assertThat(p[c]).isCloseTo(Math.exp(raw[c]) / z, within(1e-12));
      }
      assertThat(prediction).isEqualTo(best);
    }
  }

  @Test
  void theBatchSizeDoesNotChangePredictions() {
    List<Row> a =
        model
            .copy(new org.apache.spark.ml.param.ParamMap())
            .setInferBatchSize(1)
            .transform(data)
            .select("probability")
            .collectAsList();
    List<Row> b =
        model
            .copy(new org.apache.spark.ml.param.ParamMap())
            .setInferBatchSize(7)
            .transform(data)
            .select("probability")
            .collectAsList();
    List<Row> c = model.transform(data).select("probability").collectAsList();
    assertThat(a).isEqualTo(c);
    assertThat(b).isEqualTo(c);
  }

  @Test
  void transformIsLazy() {
    SparkContext sc = TestSpark.session().sparkContext();
    sc.setJobGroup("lazy-transform", "lazy", false);
    try {
      Dataset<Row> out = model.transform(data);
      assertThat(sc.statusTracker().getJobIdsForGroup("lazy-transform")).isEmpty();
      out.count();
      assertThat(sc.statusTracker().getJobIdsForGroup("lazy-transform")).isNotEmpty();
    } finally {
      sc.clearJobGroup();
    }
  }

  @Test
  void emptyOutputColumnNamesAreLeftOut() {
    NeuralNetClassificationModel m =
        model
            .copy(new org.apache.spark.ml.param.ParamMap())
            .setRawPredictionCol("")
            .setProbabilityCol("");
    assertThat(m.transform(data).columns())
        .containsExactly("id", "features", "label", "prediction");
    assertThat(model.getProbabilityCol()).isEqualTo("probability");
  }

  @Test
  void arrayFeatureColumnsTrainAndScore() {
    StructType schema =
        new StructType()
            .add("f", DataTypes.createArrayType(DataTypes.FloatType, false))
            .add("label", DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int c = i % 2;
      rows.add(RowFactory.create(new float[] {c * 2f - 1 + (i % 5) * 0.1f, (i % 7) * 0.1f}, c));
    }
    Dataset<Row> df = TestSpark.session().createDataFrame(rows, schema);
    NeuralNetClassificationModel m =
        new NeuralNetClassifier()
            .setFeaturesCol("f")
            .setHiddenLayers(new int[0])
            .setLearningRate(0.1)
            .setBatchSize(20)
            .setMaxEpochs(5)
            .fit(df);
    assertThat(m.numFeatures()).isEqualTo(2);
    assertThat(m.numClasses()).isEqualTo(2);
    double accuracy = m.transform(df).filter("prediction = label").count() / (double) df.count();
    assertThat(accuracy).isEqualTo(1.0);
    Dataset<Row> doubles = df.withColumn("f", functions.col("f").cast("array<double>"));
    assertThat(m.transform(doubles).select("probability").collectAsList())
        .isEqualTo(m.transform(df).select("probability").collectAsList());
  }

  @Test
  void binaryClassificationEvaluatorRanksByRawPrediction() {
    StructType schema = Data.schema();
    List<Row> rows = new ArrayList<>();
    org.sparkgrad.tensor.Generator g = new org.sparkgrad.tensor.Generator(2);
    for (int i = 0; i < 100; i++) {
      int c = i % 2;
      rows.add(
          RowFactory.create(
              Vectors.dense(g.nextGaussian() + c * 1.5, g.nextGaussian()), (double) c));
    }
    Dataset<Row> df = TestSpark.session().createDataFrame(rows, schema);
    NeuralNetClassificationModel m =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {4})
            .setLearningRate(0.05)
            .setBatchSize(25)
            .setMaxEpochs(4)
            .fit(df);
    Dataset<Row> out = m.transform(df);
    double aucRaw = new BinaryClassificationEvaluator().evaluate(out);
    double aucProb =
        new BinaryClassificationEvaluator().setRawPredictionCol("probability").evaluate(out);
    assertThat(aucRaw).isGreaterThan(0.8).isCloseTo(aucProb, within(1e-9));
  }

  @Test
  void nullFeaturesCannotBeScored() {
    Dataset<Row> withNull =
        TestSpark.session()
            .createDataFrame(
                List.of(
                    RowFactory.create(Vectors.dense(1, 2, 3, 4), 0.0),
                    RowFactory.create(null, 1.0)),
                Data.schema())
            .repartition(1);
    assertThatThrownBy(() -> model.transform(withNull).collectAsList())
        .hasStackTraceContaining(
            "column 'features' is null in row 1 of partition 0; cannot score it");
  }
}
