package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.EngineLoop;
import org.sparkgrad.ml.support.TestSpark;

/**
 * Two fits with different params, run at the same time from two threads of one session, train the
 * same models as one after the other: no state is shared between fits (see docs/CHECKPOINTS.md).
 */
class ConcurrentFitsTest {
  @TempDir Path tmp;

  private static NeuralNetClassifier first() {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {10})
        .setDropout(0.2)
        .setOptimizer("adam")
        .setLearningRate(0.02)
        .setBatchSize(24)
        .setMaxEpochs(3)
        .setSeed(1)
        .setNumReplicas(2)
        .setDevice("cpu");
  }

  private NeuralNetClassifier second() {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {6, 5})
        .setActivation("tanh")
        .setOptimizer("sgd")
        .setMomentum(0.9)
        .setLearningRate(0.05)
        .setBatchSize(16)
        .setMaxEpochs(3)
        .setSeed(2)
        .setNumReplicas(2)
        .setDevice("cpu")
        .setCheckpointDir(tmp.resolve("second").toUri().toString())
        .setCheckpointOverwrite(true);
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void fitsInTwoThreadsTrainWhatTheyTrainOneAfterTheOther() throws Exception {
    Dataset<Row> data = Data.blobsFrame(192, 8).cache();
    float[] a = first().fit(data).weights();
    float[] b = second().fit(data).weights();
    assertThat(EngineLoop.relativeError(a, first().setSeed(9).fit(data).weights()))
        .as("the seed matters, so equal results below are not a coincidence")
        .isGreaterThan(1e-3);

    SparkContext sc = TestSpark.session().sparkContext();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Callable<float[]> fitFirst = fitAfter(go, sc, "first", () -> first().fit(data).weights());
      Callable<float[]> fitSecond = fitAfter(go, sc, "second", () -> second().fit(data).weights());
      Future<float[]> fa = pool.submit(fitFirst);
      Future<float[]> fb = pool.submit(fitSecond);
      go.countDown();
      float[] ca = fa.get(300, TimeUnit.SECONDS);
      float[] cb = fb.get(300, TimeUnit.SECONDS);
      assertThat(EngineLoop.relativeError(ca, a)).isLessThan(1e-6);
      assertThat(EngineLoop.relativeError(cb, b)).isLessThan(1e-6);
    } finally {
      pool.shutdownNow();
      data.unpersist();
    }
  }

  /**
   * The fit, started when {@code go} opens, with a job description of the thread's own that it must
   * find restored afterwards (Spark's job description is a per-thread property).
   */
  private static Callable<float[]> fitAfter(
      CountDownLatch go, SparkContext sc, String name, Callable<float[]> fit) {
    return () -> {
      sc.setJobDescription("thread " + name);
      go.await();
      float[] w = fit.call();
      assertThat(sc.getLocalProperty("spark.job.description")).isEqualTo("thread " + name);
      return w;
    };
  }
}
