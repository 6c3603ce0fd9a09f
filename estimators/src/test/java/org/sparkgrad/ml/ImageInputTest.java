package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.data.FeatureReader;
import org.sparkgrad.ml.data.InputColumn;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.nn.Flatten;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.tensor.Generator;

/**
 * Spark's image data source as the features: PNG files the test writes, read with {@code
 * spark.read.format("image")}, become {@code [C, H, W]} floats in [0, 1] in Spark's BGR order and
 * train a CNN; an image of another size fails naming its file.
 */
class ImageInputTest {
  @TempDir Path tmp;

  @BeforeAll
  static void session() {
    TestSpark.session();
  }

  /** Writes an 8x8 grey PNG, bright on the left half (class 0) or the right (class 1). */
  private static void grey(Path file, boolean right, int width, Generator g) throws IOException {
    BufferedImage img = new BufferedImage(width, 8, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < width; x++) {
        boolean bright = (x >= width / 2) == right;
        int v = (int) Math.max(0, Math.min(255, (bright ? 190 : 60) + g.nextGaussian() * 30));
        img.getRaster().setSample(x, y, 0, v);
      }
    }
    ImageIO.write(img, "png", file.toFile());
  }

  private Dataset<Row> images(Path dir) {
    return TestSpark.session()
        .read()
        .format("image")
        .load(dir.toString())
        .withColumn(
            "label",
            functions.when(functions.col("image.origin").contains("/right"), 1.0).otherwise(0.0));
  }

  @Test
  void aColourImageBecomesChannelMajorBgrScaledToOne() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("colour"));
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        int r = 10 + 40 * x;
        int gr = 100 + 50 * y;
        int b = 255 - 30 * x - 60 * y;
        img.setRGB(x, y, (r << 16) | (gr << 8) | b);
      }
    }
    ImageIO.write(img, "png", dir.resolve("c.png").toFile());
    Row row = TestSpark.session().read().format("image").load(dir.toString()).first();
    Row image = row.getStruct(0);
    assertThat(image.<Integer>getAs("nChannels")).isEqualTo(3);
    FeatureReader reader =
        FeatureReader.of(
            new InputColumn("image", InputColumn.Kind.IMAGE, new int[] {3, 2, 3}, "given", 0));
    float[] out = new float[18];
    assertThat(reader.read(image, out)).isNull();
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        int p = y * 3 + x;
        assertThat(out[p]).isCloseTo((255 - 30 * x - 60 * y) / 255f, within(1e-6f)); // blue
        assertThat(out[6 + p]).isCloseTo((100 + 50 * y) / 255f, within(1e-6f)); // green
        assertThat(out[12 + p]).isCloseTo((10 + 40 * x) / 255f, within(1e-6f)); // red
      }
    }
  }

  @Test
  void aCnnTrainsOnPngImagesSavesAndReloads() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("train"));
    Generator g = new Generator(7);
    for (int i = 0; i < 60; i++) {
      grey(dir.resolve((i % 2 == 0 ? "left" : "right") + i + ".png"), i % 2 == 1, 8, g);
    }
    Dataset<Row> df = images(dir);
    String cnn =
        "{\"layers\": ["
            + "{\"type\": \"conv2d\", \"in_channels\": 1, \"out_channels\": 4, \"kernel_size\": 3,"
            + " \"padding\": 1}, {\"type\": \"relu\"}, {\"type\": \"max_pool2d\", \"kernel_size\": 2},"
            + " {\"type\": \"flatten\"}, {\"type\": \"linear\", \"in_features\": 64,"
            + " \"out_features\": 2}]}";
    NeuralNetClassificationModel m =
        new NeuralNetClassifier()
            .setFeaturesCol("image")
            .setNetwork(cnn)
            .setLearningRate(0.02)
            .setBatchSize(20)
            .setMaxEpochs(6)
            .setSeed(1)
            .fit(df);
    // No inputShape given: the image's [C, H, W] is the conv2d's row shape.
    assertThat(m.networkSpec().inputShape()).containsExactly(1, 8, 8);
    assertThat(m.transform(df).filter("prediction = label").count()).isEqualTo(60);

    String path = tmp.resolve("cnn").toString();
    m.write().save(path);
    NeuralNetClassificationModel loaded = NeuralNetClassificationModel.load(path);
    assertThat(loaded.transform(df).select("probability").collectAsList())
        .isEqualTo(m.transform(df).select("probability").collectAsList());

    // A user module gets each image as [N, C, H, W] too.
    NeuralNetClassificationModel user =
        new NeuralNetClassifier()
            .setFeaturesCol("image")
            .setModuleFactory(gen -> new Sequential(new Flatten(), new Linear(64, 2, gen)))
            .setMaxEpochs(1)
            .fit(df);
    assertThat(user.networkSpec().inputShape()).containsExactly(1, 8, 8);
  }

  @Test
  void anImageOfAnotherSizeFailsNamingItsFile() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("mixed"));
    Generator g = new Generator(8);
    for (int i = 0; i < 4; i++) {
      grey(dir.resolve("left" + i + ".png"), false, 8, g);
    }
    grey(dir.resolve("odd.png"), true, 6, g);
    assertThatThrownBy(
            () ->
                new NeuralNetClassifier()
                    .setFeaturesCol("image")
                    .setHiddenLayers(new int[] {4})
                    .setMaxEpochs(1)
                    .fit(images(dir)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column 'image' has an image of")
        .hasMessageContaining("odd.png")
        .hasMessageContaining("8x6 with 1 channel")
        .hasMessageContaining("8x8 with 1 channel")
        .hasMessageContaining("resize the images to one size first");
  }
}
