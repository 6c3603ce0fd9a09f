package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.NeuralNetRegressionModel;

/** TrainJob on each input format, each with a task a broken network cannot pass. */
class TrainJobFormatsTest {
  @TempDir static Path dir;

  @BeforeAll
  static void spark() {
    TestSpark.session();
  }

  @Test
  void libsvmTwoClasses() throws IOException {
    // Class 1 lies inside the unit circle of features 1 and 3 (feature 2 absent, sparse).
    Path file = dir.resolve("circle.libsvm");
    Random rnd = new Random(2);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 800; i++) {
      double a = 2.5 * rnd.nextDouble() - 1.25;
      double b = 2.5 * rnd.nextDouble() - 1.25;
      int label = a * a + b * b < 0.8 ? 1 : 0;
      sb.append(label).append(" 1:").append(a).append(" 3:").append(b).append('\n');
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    TrainJob.Result r =
        TrainJob.run(
            new String[] {
              "--input",
              file.toString(),
              "--hidden",
              "32,32",
              "--epochs",
              "25",
              "--lr",
              "1e-2",
              "--batch-size",
              "32",
              "--output",
              dir.resolve("svm-model").toString()
            },
            new Capture().out);
    // A linear model can do no better than the majority class here (about 0.6).
    assertThat(r.testMetrics().get("accuracy")).isGreaterThan(0.85);
    assertThat(r.model().numFeatures()).isEqualTo(3);
  }

  @Test
  void parquetRegressionFromAFolder() {
    List<Row> rows = new ArrayList<>();
    Random rnd = new Random(3);
    for (int i = 0; i < 1000; i++) {
      double a = rnd.nextGaussian();
      double b = rnd.nextGaussian();
      rows.add(
          RowFactory.create(3 * a - 2 * b + 1 + 0.05 * rnd.nextGaussian(), Vectors.dense(a, b)));
    }
    // Spark writes Parquet as a folder without an extension: the job takes it for Parquet.
    String table = dir.resolve("table").toString();
    TestSpark.session()
        .createDataFrame(rows, GeneratedData.schema("y", "x"))
        .repartition(3)
        .write()
        .parquet(table);
    String model = dir.resolve("reg-model").toString();
    TrainJob.Result r =
        TrainJob.run(
            new String[] {
              "--input", table, "--task", "regression", "--label-col", "y", "--features-col", "x",
              "--hidden", "", "--lr", "5e-2", "--epochs", "20", "--batch-size", "32",
              "--partitions", "2", "--output", model
            },
            new Capture().out);
    // The label's standard deviation is about 3.6; a linear model fits it to the noise.
    assertThat(r.testMetrics().get("rmse")).isLessThan(0.3);
    assertThat(r.testMetrics().get("r2")).isGreaterThan(0.99);
    NeuralNetRegressionModel loaded = NeuralNetRegressionModel.load(model);
    assertThat(loaded.numFeatures()).isEqualTo(2);
  }

  @Test
  void idxImagesWithTheirLabelsFileBeside() throws IOException {
    // 4x4 images: class 0 bright in the top half, class 1 in the bottom half, class 2 nowhere.
    int n = 300;
    Random rnd = new Random(4);
    byte[] pixels = new byte[n * 16];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 3);
      for (int p = 0; p < 16; p++) {
        boolean top = p < 8;
        boolean bright = (labels[i] == 0 && top) || (labels[i] == 1 && !top);
        pixels[i * 16 + p] = (byte) ((bright ? 160 : 0) + rnd.nextInt(90));
      }
    }
    writeIdx(dir.resolve("tiny-images-idx3-ubyte.gz"), 0x08, new int[] {n, 4, 4}, pixels, true);
    writeIdx(dir.resolve("tiny-labels-idx1-ubyte.gz"), 0x08, new int[] {n}, labels, true);
    TrainJob.Result r =
        TrainJob.run(
            new String[] {
              "--input",
              dir.resolve("tiny-images-idx3-ubyte.gz").toString(),
              "--hidden",
              "16",
              "--epochs",
              "15",
              "--lr",
              "1e-2",
              "--batch-size",
              "16",
              "--output",
              dir.resolve("idx-model").toString()
            },
            new Capture().out);
    assertThat(r.testMetrics().get("accuracy")).isGreaterThan(0.95);
    assertThat(r.model().numFeatures()).isEqualTo(16);
  }

  /** An IDX file: magic (0, 0, type, rank), big-endian sizes, then the bytes. */
  static void writeIdx(Path file, int type, int[] dims, byte[] data, boolean gzip)
      throws IOException {
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream maybeGzip = gzip ? new GZIPOutputStream(raw) : raw;
        DataOutputStream out = new DataOutputStream(maybeGzip)) {
      out.writeInt((type << 8) | dims.length);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
  }
}
