package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.NeuralNetClassificationModel;

class ScoreJobTest {
  @TempDir static Path dir;

  @BeforeAll
  static void spark() {
    TestSpark.session();
  }

  @Test
  void scoresAParquetTableWithASavedModel() {
    SparkSession spark = TestSpark.session();
    String model = dir.resolve("model").toString();
    TrainJob.run(
        new String[] {
          "--input",
          "generated",
          "--rows",
          "1500",
          "--epochs",
          "2",
          "--hidden",
          "32",
          "--lr",
          "3e-3",
          "--output",
          model
        },
        new Capture().out);
    String input = dir.resolve("new.parquet").toString();
    GeneratedData.create(spark, 500, 99, 3, "label", "features").write().parquet(input);

    String output = dir.resolve("scored").toString();
    Capture c = new Capture();
    ScoreJob.Result r =
        ScoreJob.run(new String[] {"--model", model, "--input", input, "--output", output}, c.out);

    assertThat(r.rows()).isEqualTo(500);
    assertThat(r.modelClass()).isEqualTo(NeuralNetClassificationModel.class.getName());
    Dataset<Row> scored = spark.read().parquet(output);
    assertThat(scored.columns())
        .containsExactly("label", "features", "rawPrediction", "probability", "prediction");
    assertThat(scored.count()).isEqualTo(500);
    // The written predictions are the model's own.
    NeuralNetClassificationModel m = NeuralNetClassificationModel.load(model);
    List<Row> expected =
        m.transform(spark.read().parquet(input)).select("features", "prediction").collectAsList();
    List<Row> got = scored.select("features", "prediction").collectAsList();
    assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(c.text()).contains("scored 500 rows").contains(output);

    assertThatThrownBy(
            () ->
                ScoreJob.run(
                    new String[] {"--model", model, "--input", input, "--output", output},
                    new Capture().out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("already exists");
    ScoreJob.run(
        new String[] {"--model", model, "--input", input, "--output", output, "--overwrite"},
        new Capture().out);
    assertThat(spark.read().parquet(output).count()).isEqualTo(500);
  }

  @Test
  void refusesAFolderThatIsNotAModel() {
    String notModel = dir.resolve("not-a-model").toString();
    GeneratedData.create(TestSpark.session(), 10, 1, 1, "label", "features")
        .write()
        .parquet(notModel);
    assertThatThrownBy(
            () ->
                ScoreJob.run(
                    new String[] {
                      "--model",
                      notModel,
                      "--input",
                      "generated",
                      "--output",
                      dir.resolve("x").toString()
                    },
                    new Capture().out))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "--model: "
                + notModel
                + " has no metadata/ folder, so it is not a saved Spark ML model");
    String missing = dir.resolve("missing-model").toString();
    assertThatThrownBy(
            () ->
                ScoreJob.run(
                    new String[] {
                      "--model",
                      missing,
                      "--input",
                      "generated",
                      "--output",
                      dir.resolve("y").toString()
                    },
                    new Capture().out))
        .hasMessage("--model: no such file or directory: " + missing);
  }
}
