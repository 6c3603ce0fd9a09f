package org.sparkgrad.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.NeuralNetClassifier;
import org.sparkgrad.ml.train.EpochStats;

/**
 * {@link StepCostProbe}'s third part: time to 85% test accuracy on Fashion-MNIST for the
 * synchronous default and the amortising settings, the test set passed as validation rows (the
 * epoch times include that evaluation, so they slightly overstate training time).
 */
final class FashionRun {
  private FashionRun() {}

  /** One settings row: batch, accumulation, local steps, warm-up, learning rate, partitions. */
  private record Setting(int batch, int accum, int local, int warmup, double lr, int parts) {
    @Override
    public String toString() {
      return String.format(
          "batch %4d accum %d localSteps %d warmup %3d lr %.4f partitions %d",
          batch, accum, local, warmup, lr, parts);
    }
  }

  static void timeToAccuracy(SparkSession spark, Path dir, int accum, int local, int maxEpochs)
      throws IOException {
    FashionMnist data = FashionMnist.load(dir);
    Dataset<Row> df = frame(spark, data).repartition(2).cache();
    System.out.println("Fashion-MNIST rows cached: " + df.count());
    List<Setting> settings =
        List.of(
            new Setting(1024, 1, 1, 50, 4e-3, 2),
            new Setting(128, 8, 1, 50, 4e-3, 2),
            new Setting(128, 1, 8, 0, 1e-3, 2),
            new Setting(1024, 1, 1, 50, 4e-3, 1),
            new Setting(128, 1, 1, 0, 1e-3, 2),
            new Setting(128, accum, local, 0, 1e-3, 2));
    System.out.println("== Fashion-MNIST, MLP 784-256-128-10, Adam, local[2] ==");
    for (Setting s : settings) {
      List<EpochStats> epochs = new ArrayList<>();
      new NeuralNetClassifier()
          .setHiddenLayers(new int[] {256, 128})
          .setBatchSize(s.batch())
          .setGradAccumulationSteps(s.accum())
          .setLocalSteps(s.local())
          .setWarmupSteps(s.warmup())
          .setLearningRate(s.lr())
          .setMaxEpochs(maxEpochs)
          .setNumReplicas(s.parts())
          .setValidationIndicatorCol("isTest")
          .setSeed(1)
          .setTrainingListener(epochs::add)
          .fit(df);
      double total = 0;
      double reached = Double.NaN;
      StringBuilder line = new StringBuilder();
      for (EpochStats e : epochs) {
        total += e.seconds();
        line.append(String.format(" %.3f@%.1fs", e.validationMetric(), total));
        if (Double.isNaN(reached) && e.validationMetric() >= 0.85) {
          reached = total;
        }
      }
      EpochStats first = epochs.get(0);
      System.out.printf(
          "%s: %.2f ms/step, epoch 1 %.1f s, time to 85%% %s |%s%n",
          s,
          first.seconds() * 1000 / first.steps(),
          first.seconds(),
          Double.isNaN(reached) ? "not reached" : String.format("%.1f s", reached),
          line);
    }
  }

  private static Dataset<Row> frame(SparkSession spark, FashionMnist d) {
    List<Row> rows = new ArrayList<>();
    add(rows, d.trainX().toFloatArray(), d.trainY().toLongArray(), false);
    add(rows, d.testX().toFloatArray(), d.testY().toLongArray(), true);
    StructType schema =
        new StructType()
            .add("features", new VectorUDT(), false)
            .add("label", DataTypes.DoubleType, false)
            .add("isTest", DataTypes.BooleanType, false);
    return spark.createDataFrame(rows, schema);
  }

  private static void add(List<Row> rows, float[] x, long[] y, boolean test) {
    int d = x.length / y.length;
    for (int i = 0; i < y.length; i++) {
      double[] v = new double[d];
      for (int j = 0; j < d; j++) {
        v[j] = x[i * d + j];
      }
      rows.add(RowFactory.create(Vectors.dense(v), (double) y[i], test));
    }
  }
}
