package org.sparkgrad.ml.spark;

import java.time.Duration;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.data.SparkErrors;
import org.sparkgrad.ml.train.GradientStep;
import org.sparkgrad.ml.train.LocalSteps;
import org.sparkgrad.ml.train.LocalStepsResult;
import org.sparkgrad.ml.train.OptimizerSnapshot;
import org.sparkgrad.ml.train.ReplayedStep;
import org.sparkgrad.ml.train.StepReducer;
import org.sparkgrad.ml.train.StepResult;
import org.sparkgrad.ml.train.Trainer;
import org.sparkgrad.ml.train.TrainingConfig;
import org.sparkgrad.spark.StepTransport;

/**
 * The distributed {@link Trainer.GradientSource} (with {@link StepChannel}, the classes of this
 * package that use Spark). A synchronous step travels one of two ways, with the same result:
 *
 * <ul>
 *   <li>the step channel ({@link StepChannel}): one Spark job per epoch whose tasks stay connected
 *       to the driver and compute step after step, so a step costs two socket messages per
 *       partition instead of a Spark job;
 *   <li>one Spark job per step, described below, where the channel is not wanted ({@link
 *       StepTransport#JOBS}), cannot run (the partitions do not fit in the task slots at once, or
 *       {@code spark.speculation} is on, under {@link StepTransport#AUTO}), or was lost (its tasks
 *       cannot reach the driver). The channel is as secure as Spark's own connections ({@link
 *       StepNetwork}), so Spark's authentication and encryption do not turn it off.
 * </ul>
 *
 * <p>A job per step broadcasts the weights, every partition computes its {@link GradientStep} on
 * its rows of the minibatch (on the replica its task thread keeps, into reused gradient buffers)
 * and returns its float32 gradient, and the job collects the results in partition order: the driver
 * sums them once, in double precision, in partition order, as it sums the step channel's ({@link
 * StepResult}), so the model does not depend on which task finished first and is the step channel's
 * bit for bit. The driver receives {@code 4 x parameters} bytes from each partition (940 KB for
 * 235k parameters, under Spark's 1 MiB {@code spark.task.maxDirectResultSize}; a larger result goes
 * through the block manager, one more fetch). Validation collects its partitions' sums the same
 * way; local-steps rounds, whose weights are averaged, not summed into one gradient, use {@code
 * treeAggregate} with a depth chosen from the partition count ({@link #depthFor}).
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
  private static final Logger LOG = LoggerFactory.getLogger(SparkGradientSource.class);
  private static final String DESCRIPTION = "spark.job.description";

  private final JavaRDD<PartitionData> data;
  private final GradientStep step;
  private final JavaSparkContext jsc;
  private final String previousDescription;
  // The treeAggregate depth of local-steps rounds.
  private final int depth;
  private final StepTransport transport;
  private final Duration channelWait;
  private StepChannel channel;
  private boolean channelOff;

  /** The mean loss of the last step taken, for the next step job's description; NaN before. */
  private double lastStepLoss = Double.NaN;

  /**
   * A source over the cached {@code data}, each partition computed by {@code step}, its steps
   * travelling as {@link StepTransport#AUTO} says.
   */
  public SparkGradientSource(JavaRDD<PartitionData> data, GradientStep step) {
    this(data, step, StepTransport.AUTO, Duration.ofSeconds(60));
  }

  /**
   * A source whose steps travel as {@code transport} says.
   *
   * @param channelWait how long the step channel waits for a partition's task to connect
   */
  public SparkGradientSource(
      JavaRDD<PartitionData> data,
      GradientStep step,
      StepTransport transport,
      Duration channelWait) {
    this.transport = transport;
    this.channelWait = channelWait;
    this.data = data;
    this.step = step;
    SparkContext sc = data.context();
    this.jsc = JavaSparkContext.fromSparkContext(sc);
    this.previousDescription = sc.getLocalProperty(DESCRIPTION);
    this.depth = depthFor(data.getNumPartitions());
  }

  @Override
  public StepResult step(
      float[] weights, float[] buffers, int epoch, int s, int stepsPerEpoch, int maxEpochs) {
    if (channelWanted()) {
      try {
        if (channel == null) {
          channel =
              StepChannel.open(
                  data,
                  step,
                  channelWait,
                  "sparkgrad fit: epoch "
                      + (epoch + 1)
                      + "/"
                      + maxEpochs
                      + ", steps "
                      + (s + 1)
                      + "-"
                      + stepsPerEpoch
                      + "/"
                      + stepsPerEpoch
                      + " through the step channel",
                  transport == StepTransport.AUTO);
        }
        if (channel != null) {
          return taken(channel.step(weights, buffers, epoch, s));
        }
      } catch (StepServer.ChannelLost e) {
        giveUpChannel(e, "one Spark job per step");
      }
    }
    if (step.batchStatistics() && data.getNumPartitions() > 1) {
      return taken(replayedJobs(weights, buffers, epoch, s, stepsPerEpoch, maxEpochs));
    }
    return taken(stepJob(weights, buffers, epoch, s, stepsPerEpoch, maxEpochs));
  }

  private StepResult taken(StepResult r) {
    lastStepLoss = r.weightSum() > 0 ? r.lossSum() / r.weightSum() : Double.NaN;
    return r;
  }

  /**
   * What the Spark UI shows for a step's job: {@code sparkgrad fit: epoch 3/10, step 120/469, loss
   * 0.4123}, the loss being the mean of the step before (a job's description is fixed when it
   * starts, before its own loss exists); without a loss on the fit's first step.
   */
  private String stepDescription(int epoch, int s, int stepsPerEpoch, int maxEpochs) {
    String d =
        "sparkgrad fit: epoch "
            + (epoch + 1)
            + "/"
            + maxEpochs
            + ", step "
            + (s + 1)
            + "/"
            + stepsPerEpoch;
    return Double.isNaN(lastStepLoss)
        ? d
        : d + String.format(java.util.Locale.ROOT, ", loss %.4g", lastStepLoss);
  }

  /**
   * Ends a lost channel and goes on without one for the rest of the fit, with a warning; but a task
   * that rejected its input or settings (an {@link IllegalArgumentException}, such as a batchSize
   * too large for the heap) would only fail again in a job, so that error is thrown.
   */
  private void giveUpChannel(StepServer.ChannelLost e, String instead) {
    endOfSteps();
    if (SparkErrors.find(e.getCause(), IllegalArgumentException.class) != null) {
      throw SparkErrors.unwrap(e.getCause());
    }
    channelOff = true;
    LOG.warn(
        "sparkgrad fit: {}; this fit goes on with {} (the model is the same)",
        e.getMessage(),
        instead);
  }

  /** Whether to try the step channel. */
  private boolean channelWanted() {
    if (channelOff || transport == StepTransport.JOBS) {
      return false;
    }
    SparkConf conf = data.context().getConf();
    if (transport == StepTransport.AUTO && conf.getBoolean("spark.speculation", false)) {
      // A speculative copy of a channel task would take over its partition's connection, and
      // whichever attempt Spark kills then leaves the partition without a task until the wait
      // runs out.
      LOG.info(
          "sparkgrad fit: spark.speculation is on, so steps travel as Spark jobs, not through the"
              + " step channel");
      channelOff = true;
      return false;
    }
    return true;
  }

  /** Ends the step channel's tasks, if a channel is open, freeing their task slots. */
  @Override
  public void endOfSteps() {
    if (channel != null) {
      StepChannel c = channel;
      channel = null;
      c.close();
    }
  }

  private StepResult stepJob(
      float[] weights, float[] buffers, int epoch, int s, int stepsPerEpoch, int maxEpochs) {
    jsc.setJobDescription(stepDescription(epoch, s, stepsPerEpoch, maxEpochs));
    Broadcast<float[]> w = jsc.broadcast(weights);
    GradientStep g = step;
    try {
      // A lone partition's rows are the whole minibatch: its batch statistics are the global ones.
      return inPartitionOrder(
          data.map(p -> g.train(p, w.value(), buffers, epoch, s, StepReducer.ALONE)).collect());
    } catch (Exception e) { // Spark throws its checked SparkException undeclared
      throw SparkErrors.unwrap(e);
    } finally {
      w.destroy();
    }
  }

  /**
   * A step of a network with batch norm as Spark jobs: the step replayed round by round of its
   * batch statistics ({@link ReplayedStep}), one job per round and one for the results, each
   * collecting its partitions' outcomes in partition order.
   */
  private StepResult replayedJobs(
      float[] weights, float[] buffers, int epoch, int s, int stepsPerEpoch, int maxEpochs) {
    Broadcast<float[]> w = jsc.broadcast(weights);
    GradientStep g = step;
    int[] pass = {0};
    try {
      return ReplayedStep.run(
          known -> {
            jsc.setJobDescription(
                stepDescription(epoch, s, stepsPerEpoch, maxEpochs)
                    + ", batch statistics pass "
                    + ++pass[0]);
            return data.map(p -> ReplayedStep.partition(g, p, w.value(), buffers, epoch, s, known))
                .collect();
          });
    } catch (Exception e) { // as in stepJob
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
    endOfSteps();
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
   * The partitions' results, as {@code collect} returns them (in partition order), merged in that
   * order: their gradients stay float32 parts in partition order ({@link StepResult#merge}), which
   * the driver sums as the step channel's gather does, so the two transports give the same model
   * bit for bit.
   */
  private static StepResult inPartitionOrder(List<StepResult> results) {
    StepResult acc = new StepResult();
    for (StepResult r : results) {
      acc.merge(r);
    }
    return acc;
  }

  /**
   * The {@code treeAggregate} depth of a local-steps round for {@code partitions} partitions: 1
   * (every partition's result straight to the driver) up to 8 partitions, where a tree level would
   * only add a stage; 2 up to 64; 3 beyond, so that the driver merges at most about 8 results per
   * level.
   */
  static int depthFor(int partitions) {
    if (partitions <= 8) {
      return 1;
    }
    return partitions <= 64 ? 2 : 3;
  }

  @Override
  public StepResult validate(float[] weights, float[] buffers) {
    if (channel != null) {
      // The epoch's tasks are still connected: they evaluate their partitions' validation rows
      // without a Spark job.
      try {
        return channel.evaluate(weights, buffers);
      } catch (StepServer.ChannelLost e) {
        giveUpChannel(e, "Spark jobs for its validation and steps");
      }
    }
    endOfSteps();
    jsc.setJobDescription("sparkgrad fit: validation");
    Broadcast<float[]> w = jsc.broadcast(weights);
    GradientStep g = step;
    try {
      return inPartitionOrder(data.map(p -> g.evaluate(p, w.value(), buffers)).collect());
    } catch (Exception e) { // as above
      throw SparkErrors.unwrap(e);
    } finally {
      w.destroy();
    }
  }

  /** Ends the step channel, if open, and restores the thread's previous job description. */
  @Override
  public void close() {
    endOfSteps();
    data.context().setLocalProperty(DESCRIPTION, previousDescription);
  }
}
