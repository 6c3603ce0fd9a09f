package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.NeuralNetClassificationModel;
import org.sparkgrad.util.StrictJson;

class TrainJobTest {
  @TempDir static Path dir;

  @BeforeAll
  static void spark() {
    TestSpark.session();
  }

  @Test
  void trainsOnGeneratedDataAndWritesModelSummaryAndPlot() throws Exception {
    String model = dir.resolve("gen-model").toString();
    String[] args = {
      "--input",
      "generated",
      "--rows",
      "3000",
      "--epochs",
      "4",
      "--hidden",
      "64",
      "--batch-size",
      "64",
      "--lr",
      "3e-3",
      "--seed",
      "5",
      "--output",
      model
    };
    Capture c = new Capture();
    TrainJob.Result r = TrainJob.run(args, c.out);

    // 8 classes: chance is 0.125, a network that did not learn stays far below 0.85.
    assertThat(r.testMetrics().get("accuracy")).isGreaterThan(0.85);
    assertThat(r.testMetrics().get("f1")).isGreaterThan(0.85);
    NeuralNetClassificationModel loaded = NeuralNetClassificationModel.load(model);
    assertThat(loaded.numClasses()).isEqualTo(GeneratedData.CLASSES);
    assertThat(loaded.numFeatures()).isEqualTo(GeneratedData.DIMS);
    List<Row> rows =
        loaded
            .transform(GeneratedData.create(TestSpark.session(), 400, 5, 2, "label", "features"))
            .select("label", "prediction")
            .collectAsList();
    long right = rows.stream().filter(x -> x.getDouble(0) == x.getDouble(1)).count();
    assertThat(right).isGreaterThan(340);

    Map<String, Object> summary =
        StrictJson.parseObject(Files.readString(dir.resolve("gen-model-summary.json")));
    List<Object> epochs = StrictJson.asList(summary.get("epochs"), "epochs");
    assertThat(epochs).hasSize(4);
    double firstLoss = number(StrictJson.asObject(epochs.get(0), "e").get("trainLoss"));
    double lastLoss = number(StrictJson.asObject(epochs.get(3), "e").get("trainLoss"));
    assertThat(lastLoss).isLessThan(firstLoss / 2);
    Map<String, Object> last = StrictJson.asObject(epochs.get(3), "e");
    assertThat(number(last.get("validationMetric"))).isGreaterThan(0.8);
    assertThat(number(last.get("samplesPerSecond"))).isPositive();
    assertThat(summary.get("metricName")).isEqualTo("accuracy");
    Map<String, Object> counts = StrictJson.asObject(summary.get("rows"), "rows");
    long total =
        ((Long) counts.get("train"))
            + ((Long) counts.get("validation"))
            + (Long) counts.get("test");
    assertThat(total).isEqualTo(3000);
    assertThat((Long) counts.get("test")).isBetween(450L, 750L);
    assertThat((Long) counts.get("validation")).isBetween(180L, 420L);
    assertThat(number(StrictJson.asObject(summary.get("test"), "test").get("accuracy")))
        .isEqualTo(r.testMetrics().get("accuracy"));

    BufferedImage png = ImageIO.read(dir.resolve("gen-model-curves.png").toFile());
    assertThat(png.getWidth()).isEqualTo(CurvePlot.WIDTH);
    assertThat(png.getHeight()).isEqualTo(CurvePlot.HEIGHT);
    assertThat(countColour(png, CurvePlot.TRAIN.getRGB())).isGreaterThan(100);
    assertThat(countColour(png, CurvePlot.VALIDATION.getRGB())).isGreaterThan(100);

    assertThat(c.text())
        .contains("test accuracy ")
        .contains("model:   " + model)
        .contains("plot:    " + model + "-curves.png")
        .contains("| label | prediction |");

    // A second run refuses to replace the outputs, before training.
    assertThatThrownBy(() -> TrainJob.run(args, new Capture().out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--output: " + model + " already exists; pass --overwrite");
  }

  @Test
  void exportsTheTrainedModelAsOnnxWhenAsked() throws Exception {
    String model = dir.resolve("onnx-model").toString();
    Path onnx = dir.resolve("onnx-model.onnx");
    String[] args = {
      "--input",
      "generated",
      "--rows",
      "600",
      "--epochs",
      "1",
      "--hidden",
      "16",
      "--seed",
      "3",
      "--output",
      model,
      "--onnx",
      onnx.toString()
    };
    Capture c = new Capture();
    TrainJob.run(args, c.out);

    OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnx));
    assertThat(proto.getGraph().getInputList())
        .extracting(OnnxMl.ValueInfoProto::getName)
        .containsExactly("features");
    assertThat(proto.getGraph().getOutputList())
        .extracting(OnnxMl.ValueInfoProto::getName)
        .contains("rawPrediction", "probability");
    assertThat(c.text()).contains("onnx:    " + onnx);
    // Refused like the other outputs, before training.
    assertThatThrownBy(() -> TrainJob.run(args, new Capture().out))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("already exists; pass --overwrite");
  }

  @Test
  void trainsOnCsvWithAssembledColumns() throws Exception {
    Path csv = dir.resolve("points.csv");
    StringBuilder sb = new StringBuilder("name,a,b,c,label\n");
    Random rnd = new Random(1);
    for (int i = 0; i < 600; i++) {
      double a = rnd.nextGaussian();
      double b = rnd.nextGaussian();
      double noise = rnd.nextGaussian();
      sb.append("p")
          .append(i)
          .append(',')
          .append(a)
          .append(',')
          .append(b)
          .append(',')
          .append(noise)
          .append(',')
          .append(a * b > 0 ? 1 : 0)
          .append('\n');
    }
    Files.writeString(csv, sb.toString(), StandardCharsets.UTF_8);
    TrainJob.Result r =
        TrainJob.run(
            new String[] {
              "--input",
              csv.toString(),
              "--feature-cols",
              "a,b",
              "--hidden",
              "32,16",
              "--epochs",
              "30",
              "--lr",
              "1e-2",
              "--batch-size",
              "32",
              "--validation-fraction",
              "0",
              "--output",
              dir.resolve("csv-model").toString()
            },
            new Capture().out);
    // XOR of signs: a linear model gets about 0.5.
    assertThat(r.testMetrics().get("accuracy")).isGreaterThan(0.85);
    assertThat(r.model().numFeatures()).isEqualTo(2);

    // Without --feature-cols every numeric column but the label is a feature ("name" is not).
    TrainJob.Result all =
        TrainJob.run(
            new String[] {
              "--input",
              csv.toString(),
              "--epochs",
              "1",
              "--output",
              dir.resolve("csv-model-all").toString()
            },
            new Capture().out);
    assertThat(all.model().numFeatures()).isEqualTo(3);
  }

  static double number(Object o) {
    return ((Number) o).doubleValue();
  }

  static int countColour(BufferedImage img, int rgb) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff)) {
          n++;
        }
      }
    }
    return n;
  }
}
