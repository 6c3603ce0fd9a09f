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

  /** The second estimator, with checkpoints in a folder of its own ({@code folder}). */
  private NeuralNetClassifier second(String folder) {
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
        .setCheckpointDir(tmp.resolve(folder).toUri().toString());
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void fitsInTwoThreadsTrainWhatTheyTrainOneAfterTheOther() throws Exception {
    Dataset<Row> data = Data.blobsFrame(192, 8).cache();
    float[] a = first().fit(data).weights();
    float[] b = second("alone").fit(data).weights();
    assertThat(EngineLoop.relativeError(a, first().setSeed(9).fit(data).weights()))
        .as("the seed matters, so equal results below are not a coincidence")
        .isGreaterThan(1e-3);

    SparkContext sc = TestSpark.session().sparkContext();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      long[] spanA = new long[2];
      long[] spanB = new long[2];
      Callable<float[]> fitFirst =
          fitAfter(go, sc, "first", spanA, () -> first().fit(data).weights());
      Callable<float[]> fitSecond =
          fitAfter(go, sc, "second", spanB, () -> second("concurrent").fit(data).weights());
      Future<float[]> fa = pool.submit(fitFirst);
      Future<float[]> fb = pool.submit(fitSecond);
      go.countDown();
      float[] ca = fa.get(300, TimeUnit.SECONDS);
      float[] cb = fb.get(300, TimeUnit.SECONDS);
      assertThat(EngineLoop.relativeError(ca, a)).isLessThan(1e-6);
      assertThat(EngineLoop.relativeError(cb, b)).isLessThan(1e-6);
      assertThat(spanA[0] < spanB[1] && spanB[0] < spanA[1]).as("the fits overlapped").isTrue();
    } finally {
      pool.shutdownNow();
      data.unpersist();
    }
  }

  /**
   * The fit, started when {@code go} opens, with a job description of the thread's own that it must
   * find restored afterwards (Spark's job description is a per-thread property); {@code span}
   * receives its start and end times.
   */
  private static Callable<float[]> fitAfter(
      CountDownLatch go, SparkContext sc, String name, long[] span, Callable<float[]> fit) {
    return () -> {
      sc.setJobDescription("thread " + name);
      go.await();
      span[0] = System.nanoTime();
      float[] w = fit.call();
      span[1] = System.nanoTime();
      assertThat(sc.getLocalProperty("spark.job.description")).isEqualTo("thread " + name);
      return w;
    };
  }
}
