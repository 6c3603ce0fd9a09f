package org.sparkgrad.ml.train;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.data.SparkErrors;

/**
 * The distributed {@link Trainer.GradientSource} (the one class of this package that uses Spark):
 * each step broadcasts the weights, every partition computes its {@link GradientStep} on its rows
 * of the minibatch, and {@code treeAggregate} sums the results in double precision. Each step's
 * Spark job is described as {@code "sparkgrad fit: epoch 3/20, step 41/59"}, so the Spark UI shows
 * where training is; the thread's previous job description is restored by {@link #close}.
 */
public final class SparkGradientSource implements Trainer.GradientSource, AutoCloseable {
  private static final String DESCRIPTION = "spark.job.description";

  private final JavaRDD<PartitionData> data;
  private final GradientStep step;
  private final JavaSparkContext jsc;
  private final String previousDescription;
  private final int depth;

  /** A source over the cached {@code data}, each partition computed by {@code step}. */
  public SparkGradientSource(JavaRDD<PartitionData> data, GradientStep step) {
    this.data = data;
    this.step = step;
    SparkContext sc = data.context();
    this.jsc = JavaSparkContext.fromSparkContext(sc);
    this.previousDescription = sc.getLocalProperty(DESCRIPTION);
    this.depth = data.getNumPartitions() > 16 ? 3 : 2;
  }

  @Override
  public StepResult step(float[] weights, int epoch, int s, int stepsPerEpoch, int maxEpochs) {
    jsc.setJobDescription(
        "sparkgrad fit: epoch "
            + (epoch + 1)
            + "/"
            + maxEpochs
            + ", step "
            + (s + 1)
            + "/"
            + stepsPerEpoch);
    Broadcast<float[]> w = jsc.broadcast(weights);
    GradientStep g = step;
    try {
      return data.treeAggregate(
          new StepResult(),
          (acc, p) -> acc.merge(g.train(p, w.value(), epoch, s)),
          StepResult::merge,
          depth);
    } catch (Exception e) { // Spark throws its checked SparkException undeclared
      throw SparkErrors.unwrap(e);
    } finally {
      w.destroy();
    }
  }

  @Override
  public StepResult validate(float[] weights) {
    jsc.setJobDescription("sparkgrad fit: validation");
    Broadcast<float[]> w = jsc.broadcast(weights);
    GradientStep g = step;
    try {
      return data.treeAggregate(
          new StepResult(),
          (acc, p) -> acc.merge(g.evaluate(p.validation(), w.value())),
          StepResult::merge,
          depth);
    } catch (Exception e) { // as above
      throw SparkErrors.unwrap(e);
    } finally {
      w.destroy();
    }
  }

  /** Restores the thread's previous job description. */
  @Override
  public void close() {
    data.context().setLocalProperty(DESCRIPTION, previousDescription);
  }
}
