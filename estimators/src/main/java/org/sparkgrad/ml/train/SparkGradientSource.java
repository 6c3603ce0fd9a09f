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
 * of the minibatch (on the replica its task thread keeps, into reused gradient buffers) and returns
 * a float32 gradient, and {@code treeAggregate} sums the results in double precision, with the tree
 * depth chosen from the partition count ({@link #depthFor}).
 *
 * <p>The weights travel in a {@code Broadcast}, not in the job's closure: measured in {@code
 * local[2]} (docs/PERFORMANCE.md), a 235k-float array in the closure cost several times a
 * broadcast, since Spark serialises a closure more than once (the closure cleaner's check, the task
 * binary) and Java-serialises arrays element by element. The cached training blocks never leave the
 * executors; only weights go out and sums come back. Each step's Spark job is described as {@code
 * "sparkgrad fit: epoch 3/20, step 41/59"}, so the Spark UI shows where training is; the thread's
 * previous job description is restored by {@link #close}.
 */
public final class SparkGradientSource implements Trainer.LocalStepsSource, AutoCloseable {
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
    this.depth = depthFor(data.getNumPartitions());
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
  public LocalStepsResult localSteps(
      TrainingConfig config,
      float[] weights,
      OptimizerSnapshot state,
      int epoch,
      int firstStep,
      double[] lrs,
      int stepsPerEpoch,
      int maxEpochs) {
    jsc.setJobDescription(
        "sparkgrad fit: epoch "
            + (epoch + 1)
            + "/"
            + maxEpochs
            + ", local steps "
            + (firstStep + 1)
            + "-"
            + (firstStep + lrs.length)
            + "/"
            + stepsPerEpoch);
    LocalSteps work = new LocalSteps(step, config);
    Broadcast<float[]> w = jsc.broadcast(weights);
    Broadcast<OptimizerSnapshot> st = jsc.broadcast(state);
    try {
      return data.treeAggregate(
          new LocalStepsResult(),
          (acc, p) -> acc.merge(work.run(p, w.value(), st.value(), epoch, firstStep, lrs)),
          LocalStepsResult::merge,
          depth);
    } catch (Exception e) { // as in step
      throw SparkErrors.unwrap(e);
    } finally {
      w.destroy();
      st.destroy();
    }
  }

  /**
   * The {@code treeAggregate} depth for {@code partitions} partitions: 1 (every partition's result
   * straight to the driver) up to 8 partitions, where a tree level would only add a stage; 2 up to
   * 64; 3 beyond, so that the driver merges at most about 8 results per level.
   */
  static int depthFor(int partitions) {
    if (partitions <= 8) {
      return 1;
    }
    return partitions <= 64 ? 2 : 3;
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
