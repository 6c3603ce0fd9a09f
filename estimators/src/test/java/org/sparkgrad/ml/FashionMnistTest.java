package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.sparkgrad.data.IdxReader;
import org.sparkgrad.ml.support.TestSpark;

/**
 * The classifier on a real data set: Fashion-MNIST (Debian's {@code dataset-fashion-mnist}, which
 * {@code .ci/run} installs), all 60,000 training images, reaches at least 0.85 accuracy on the
 * 10,000 test images in {@code local[2]}. A one-hidden-layer MLP reaches about 0.87 in five epochs
 * of 1000-image minibatches.
 */
class FashionMnistTest {
  private static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

  private static Dataset<Row> load(String prefix) throws IOException {
    IdxReader.Images images =
        IdxReader.readImages(DIR.resolve(prefix + "-images-idx3-ubyte.gz"), true);
    long[] labels = IdxReader.readLabels(DIR.resolve(prefix + "-labels-idx1-ubyte.gz"));
    float[] pixels = images.data();
    int d = 28 * 28;
    List<Row> rows = new ArrayList<>(labels.length);
    for (int i = 0; i < labels.length; i++) {
      rows.add(
          RowFactory.create(Arrays.copyOfRange(pixels, i * d, (i + 1) * d), (double) labels[i]));
    }
    StructType schema =
        new StructType()
            .add("image", DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add("label", DataTypes.DoubleType, false);
    return TestSpark.session().createDataFrame(rows, schema);
  }

  @Test
  void reachesEightyFivePercentTestAccuracy() throws IOException {
    Assumptions.assumeTrue(
        Files.isReadable(DIR.resolve("train-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not installed at "
            + DIR
            + " (Debian package dataset-fashion-mnist; .ci/run installs it)");
    Dataset<Row> train = load("train");
    Dataset<Row> test = load("t10k");
    NeuralNetClassificationModel model =
        new NeuralNetClassifier()
            .setFeaturesCol("image")
            .setHiddenLayers(new int[] {256})
            .setLearningRate(0.008)
            .setBatchSize(1000)
            .setMaxEpochs(5)
            .setSeed(1)
            .fit(train);
    assertThat(model.numClasses()).isEqualTo(10);
    assertThat(model.summary().totalSteps()).isEqualTo(300);
    double accuracy =
        new MulticlassClassificationEvaluator()
            .setMetricName("accuracy")
            .evaluate(model.transform(test));
    System.out.printf("Fashion-MNIST test accuracy %.4f%n", accuracy);
    assertThat(accuracy).isGreaterThanOrEqualTo(0.85);
  }
}
