package org.sparkgrad.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparkgrad.tensor.Tensor;

/**
 * Fashion-MNIST as a folder of PNG files, for the image-source variant of {@link CnnRace}: {@code
 * train/<label>/<index>.png} and {@code test/<label>/<index>.png}, 8-bit grey, written once from
 * the IDX files (a {@code .complete} marker says the folder is whole) and read back with Spark's
 * image data source, as a user with a folder of images would.
 */
final class FashionPngs {
  static final String IMAGE = "image";
  private static final String MARKER = ".complete";

  private FashionPngs() {}

  /** Writes the 70k PNG files under {@code out} unless a complete copy is already there. */
  static void ensureWritten(Path idx, Path out) throws IOException {
    if (Files.exists(out.resolve(MARKER))) {
      return;
    }
    long start = System.nanoTime();
    FashionMnist f = FashionMnist.load(idx);
    write(f.trainX(), f.trainY(), out.resolve("train"));
    write(f.testX(), f.testY(), out.resolve("test"));
    Files.writeString(out.resolve(MARKER), "");
    System.out.printf(
        Locale.ROOT,
        "wrote 70000 PNG files under %s in %.1f s%n",
        out,
        (System.nanoTime() - start) / 1e9);
  }

  private static void write(Tensor images, Tensor labels, Path dir) throws IOException {
    float[] x = images.toFloatArray();
    long[] y = labels.toLongArray();
    for (int label = 0; label < 10; label++) {
      Files.createDirectories(dir.resolve(Integer.toString(label)));
    }
    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < y.length; i++) {
      for (int p = 0; p < 784; p++) {
        int v = Math.round(x[i * 784 + p] * 255f);
        img.getRaster().setSample(p % 28, p / 28, 0, v);
      }
      Path file = dir.resolve(y[i] + "/" + String.format(Locale.ROOT, "%05d.png", i));
      if (!ImageIO.write(img, "png", file.toFile())) {
        throw new IOException("no PNG writer for " + file);
      }
    }
  }

  /**
   * The PNG files read with {@code spark.read.format("image")}, with the label and the test flag
   * taken from each file's path, in {@code partitions} partitions, cached and materialised: the
   * {@value #IMAGE} struct column, {@link RaceData#LABEL} and {@link RaceData#IS_TEST}.
   */
  static Dataset<Row> cached(SparkSession spark, Path dir, int partitions) {
    long start = System.nanoTime();
    Dataset<Row> raw =
        spark
            .read()
            .format("image")
            .option("recursiveFileLookup", "true")
            .option("pathGlobFilter", "*.png")
            .load(dir.toAbsolutePath().toString());
    Column origin = col("image.origin");
    Dataset<Row> df =
        raw.select(
                col(IMAGE),
                regexp_extract(origin, "/(\\d)/\\d+\\.png$", 1).cast("double").as(RaceData.LABEL),
                origin.contains("/test/").as(RaceData.IS_TEST))
            .repartition(partitions)
            .persist(StorageLevel.MEMORY_ONLY());
    long n = df.count();
    System.out.printf(
        Locale.ROOT,
        "image source: %d rows from %s in %d partitions, read and cached in %.1f s%n",
        n,
        dir,
        df.rdd().getNumPartitions(),
        (System.nanoTime() - start) / 1e9);
    if (n != 70_000) {
      throw new IllegalStateException("expected 70000 PNG rows under " + dir + ", read " + n);
    }
    return df;
  }
}
