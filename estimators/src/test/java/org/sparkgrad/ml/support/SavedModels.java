package org.sparkgrad.ml.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.sparkgrad.ml.NeuralNetClassificationModel;
import org.sparkgrad.ml.NeuralNetClassifier;
import org.sparkgrad.util.StrictJson;

/**
 * Writes the saved models kept in test resources ({@code models/classifier-v1}) and the predictions
 * they must keep giving ({@code models/classifier-v1-expected.json}). Run only on purpose, when a
 * new format version is introduced (the old folders stay as they are):
 *
 * <pre>
 * mvn -pl estimators -am test -Dtest=SavedModels -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dsparkgrad.regenerate=estimators/src/test/resources/models
 * </pre>
 */
public class SavedModels {
  /** The rows whose predictions are kept beside the model. */
  public static List<Row> probeRows() {
    return List.of(
        RowFactory.create(Vectors.dense(2.5, 0, 0, 0), 0.0),
        RowFactory.create(Vectors.dense(0, 2.5, 0, 0), 1.0),
        RowFactory.create(Vectors.dense(0, 0, 2.5, -1.5), 2.0),
        RowFactory.create(Vectors.dense(1, 1, 1, 1), 0.0));
  }

  @Test
  @EnabledIfSystemProperty(named = "sparkgrad.regenerate", matches = ".+")
  void writeVersion1() throws IOException {
    Path dir = Path.of(System.getProperty("sparkgrad.regenerate"));
    NeuralNetClassificationModel model =
        new NeuralNetClassifier("nnClassifier_v1fixture")
            .setNetwork(
                "{\"layers\": [{\"type\": \"linear\", \"in_features\": 4, \"out_features\": 6},"
                    + " {\"type\": \"gelu\"}, {\"type\": \"dropout\", \"p\": 0.1},"
                    + " {\"type\": \"layer_norm\", \"normalized_shape\": 6},"
                    + " {\"type\": \"linear\", \"in_features\": 6, \"out_features\": 3}]}")
            .setLearningRate(0.05)
            .setBatchSize(20)
            .setMaxEpochs(3)
            .setSeed(17)
            .setPredictionCol("predicted")
            .fit(Data.blobsFrame(60, 17));
    model.write().overwrite().save(dir.resolve("classifier-v1").toString());
    Dataset<Row> probes = TestSpark.session().createDataFrame(probeRows(), Data.schema());
    List<Object> expected = new ArrayList<>();
    for (Row r : model.transform(probes).select("probability", "predicted").collectAsList()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("probability", ((Vector) r.get(0)).toArray());
      e.put("predicted", r.getDouble(1));
      expected.add(e);
    }
    Files.writeString(
        dir.resolve("classifier-v1-expected.json"),
        StrictJson.write(expected) + "\n",
        StandardCharsets.UTF_8);
    // The fixture must load back as written, or the kept-model test would pin a broken file.
    org.assertj.core.api.Assertions.assertThat(
            NeuralNetClassificationModel.load(dir.resolve("classifier-v1").toString())
                .transform(probes)
                .count())
        .isEqualTo(expected.size());
  }
}
