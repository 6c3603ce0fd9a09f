package org.sparkgrad.bench;

import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * MLlib's side of the race: {@code MultilayerPerceptronClassifier} with the same layers
 * (784,256,128,10; sigmoid hidden units, softmax output, L-BFGS, MLlib's defaults otherwise) fitted
 * afresh for each {@code maxIter} of the sweep on the same cached rows. A point's time is its fit
 * alone; the test accuracy is measured after it, untimed. A fit that runs past the cap is cancelled
 * (its Spark job group) and ends the sweep, as do all targets being reached.
 */
final class MllibSweep {
  private MllibSweep() {}

  static Curve run(Dataset<Row> train, Dataset<Row> test, RaceOptions o, double[] targets) {
    Curve curve = new Curve("MLlib MLP (L-BFGS)");
    SparkContext sc = train.sparkSession().sparkContext();
    MulticlassClassificationEvaluator acc =
        new MulticlassClassificationEvaluator()
            .setLabelCol(RaceData.LABEL)
            .setMetricName("accuracy");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      for (int iters : o.mllibIters) {
        MultilayerPerceptronClassifier mlp =
            new MultilayerPerceptronClassifier()
                .setLayers(new int[] {784, 256, 128, 10})
                .setFeaturesCol(RaceData.FEATURES)
                .setLabelCol(RaceData.LABEL)
                .setMaxIter(iters)
                .setSeed(o.seed);
        String group = "race-mllib-" + iters;
        long t0 = System.nanoTime();
        Future<MultilayerPerceptronClassificationModel> f =
            pool.submit(
                () -> {
                  sc.setJobGroup(group, "MLlib MLP maxIter " + iters, true);
                  try {
                    return mlp.fit(train);
                  } finally {
                    sc.clearJobGroup();
                  }
                });
        MultilayerPerceptronClassificationModel model;
        try {
          model = f.get(o.mllibCapSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          sc.cancelJobGroup(group);
          f.cancel(true);
          System.out.printf(
              Locale.ROOT,
              "  [mllib] maxIter %d: cancelled at the cap of %d s%n",
              iters,
              o.mllibCapSeconds);
          curve.note("maxIter " + iters + " cancelled at the " + o.mllibCapSeconds + " s cap");
          break;
        } catch (ExecutionException e) {
          throw new IllegalStateException("MLlib fit with maxIter " + iters + " failed", e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double a = acc.evaluate(model.transform(test));
        int done = model.summary().totalIterations();
        curve.add(seconds, a, "maxIter " + iters);
        // The sweep's samples/s: rows times passes (one L-BFGS iteration is one full pass, plus
        // the line search's extra passes, which MLlib does not report) over the fit time.
        curve.samplesPerSecond(o.trainRows * (double) done / seconds);
        System.out.printf(
            Locale.ROOT,
            "  [mllib] maxIter %d (%d iterations run): fit %.1f s, test accuracy %.4f%n",
            iters,
            done,
            seconds,
            a);
        boolean all = true;
        for (double t : targets) {
          all &= a >= t;
        }
        if (all) {
          break;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return curve;
  }
}
