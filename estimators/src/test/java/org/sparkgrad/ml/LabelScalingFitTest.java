package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.tensor.Generator;

/**
 * The regressor's {@code labelScaling}: on a target of mean 150 the default (auto) learns what the
 * raw target does not at the same settings; the statistics are the training rows', kept in the
 * model, persisted, undone in every prediction; a model saved without them still loads.
 */
class LabelScalingFitTest {
  @TempDir Path tmp;

  /** {@code y = 150 + 40 (x . w) + noise} over 4 Gaussian features. */
  static Dataset<Row> shifted(int n, long seed) {
    Generator g = new Generator(seed);
    double[] w = {0.6, -0.4, 0.3, 0.5};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] x = new double[4];
      double y = 150;
      for (int j = 0; j < 4; j++) {
        x[j] = g.nextGaussian();
        y += 40 * w[j] * x[j];
      }
      rows.add(RowFactory.create(Vectors.dense(x), y + 2 * g.nextGaussian()));
    }
    return TestSpark.session().createDataFrame(rows, Data.schema());
  }

  private static NeuralNetRegressor regressor() {
    return new NeuralNetRegressor()
        .setHiddenLayers(new int[] {16})
        .setLearningRate(0.01)
        .setBatchSize(32)
        .setMaxEpochs(10)
        .setSeed(11);
  }

  private static double rmse(Dataset<Row> scored) {
    return new RegressionEvaluator().evaluate(scored);
  }

  @Test
  void scaledTargetBeatsTheRawOneAndPredictionsAreInLabelUnits() throws Exception {
    Dataset<Row> train = shifted(300, 1);
    Dataset<Row> test = shifted(200, 2);
    NeuralNetRegressionModel raw = regressor().setLabelScaling("none").fit(train);
    NeuralNetRegressionModel scaled = regressor().fit(train);
    double rawRmse = rmse(raw.transform(test));
    double scaledRmse = rmse(scaled.transform(test));
    // The target's std is about 40, its noise 2.
    assertThat(scaledRmse).isLessThan(0.5 * rawRmse).isLessThan(15);
    assertThat(raw.getLabelMean()).isEmpty();

    List<Row> ys = train.select("label").collectAsList();
    double sum = 0;
    double sq = 0;
    for (Row r : ys) {
      sum += r.getDouble(0);
      sq += r.getDouble(0) * r.getDouble(0);
    }
    double mean = sum / ys.size();
    double std = Math.sqrt(sq / ys.size() - mean * mean);
    assertThat(scaled.getLabelScaling()).isEqualTo("auto");
    assertThat(scaled.getLabelMean()).containsExactly(new double[] {mean}, within(1e-6));
    assertThat(scaled.getLabelStd()).containsExactly(new double[] {std}, within(1e-6));
    // The summary's rmse is in label units too (its last epoch, on the training rows).
    double[] history = scaled.summary().trainMetric();
    assertThat(history[history.length - 1]).isLessThan(20);

    Dataset<Row> scored = scaled.transform(test);
    Row first = scored.first();
    Vector f = first.getAs("features");
    assertThat(scaled.predict(f))
        .isCloseTo(first.getDouble(first.fieldIndex("prediction")), within(1e-3));

    String path = tmp.resolve("scaled").toString();
    scaled.write().save(path);
    NeuralNetRegressionModel loaded = NeuralNetRegressionModel.load(path);
    assertThat(loaded.getLabelMean()).containsExactly(scaled.getLabelMean());
    assertThat(loaded.transform(test).select("prediction").collectAsList())
        .isEqualTo(scored.select("prediction").collectAsList());
  }

  @Test
  void aModelSavedBeforeLabelScalingLoadsAndPredictsTheNetworkOutput() throws Exception {
    NeuralNetRegressionModel model =
        regressor().setLabelScaling("none").setMaxEpochs(1).fit(shifted(60, 3));
    String path = tmp.resolve("old").toString();
    model.write().save(path);
    // Remove the new params from the saved metadata, as a model of an older Sparkgrad has it.
    Path metadata;
    try (java.util.stream.Stream<Path> files = Files.list(Path.of(path, "metadata"))) {
      metadata =
          files
              .filter(f -> f.getFileName().toString().startsWith("part-"))
              .findFirst()
              .orElseThrow();
    }
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode json =
        (ObjectNode) mapper.readTree(Files.readString(metadata, StandardCharsets.UTF_8));
    for (String map : List.of("paramMap", "defaultParamMap")) {
      ((ObjectNode) json.get(map)).remove(List.of("labelScaling", "labelMean", "labelStd"));
    }
    String old = mapper.writeValueAsString(json);
    assertThat(old).doesNotContain("labelScaling").doesNotContain("labelMean");
    Files.writeString(metadata, old + "\n", StandardCharsets.UTF_8);
    Files.deleteIfExists(metadata.resolveSibling("." + metadata.getFileName() + ".crc"));
    NeuralNetRegressionModel loaded = NeuralNetRegressionModel.load(path);
    assertThat(loaded.getLabelMean()).isEmpty();
    Dataset<Row> test = shifted(20, 4);
    assertThat(loaded.transform(test).select("prediction").collectAsList())
        .isEqualTo(model.transform(test).select("prediction").collectAsList());
  }
}
