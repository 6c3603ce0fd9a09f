package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.logging.log4j.Level;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.data.BlockBuilder;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.spark.SparkGradientSource;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.EngineLoop;
import org.sparkgrad.ml.support.JobDescriptions;
import org.sparkgrad.ml.support.LogCapture;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.ml.train.EpochStats;
import org.sparkgrad.ml.train.GradientStep;
import org.sparkgrad.ml.train.LocalGradientSource;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Objective;
import org.sparkgrad.ml.train.RowIds;
import org.sparkgrad.ml.train.StepResult;
import org.sparkgrad.ml.train.TrainingSummary;
import org.sparkgrad.spark.StepTransport;

/**
 * Synchronous data parallelism is exact: the same rows trained as one partition or three, with or
 * without dropout, give the weights of one plain engine loop over the same global minibatches.
 */
class DistributedTrainingTest {
  private static final int N = 90;

  private static NeuralNetClassifier classifier(double dropout) {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {8})
        .setActivation("tanh")
        .setDropout(dropout)
        .setOptimizer("sgd")
        .setLearningRate(0.1)
        .setMomentum(0.9)
        .setBatchSize(16)
        .setMaxEpochs(3)
        .setSeed(7);
  }

  private static float[] reference(Dataset<Row> df, double dropout) {
    List<Row> rows = df.collectAsList();
    float[][] x = new float[rows.size()][];
    float[] y = new float[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      double[] v = ((Vector) rows.get(i).get(0)).toArray();
      x[i] = new float[v.length];
      for (int j = 0; j < v.length; j++) {
        x[i][j] = (float) v[j];
      }
      y[i] = (float) rows.get(i).getDouble(1);
    }
    NetworkSpec spec = NetworkSpec.simple(4, new int[] {8}, "tanh", dropout, 3);
    return EngineLoop.train(spec, x, y, 7, 3, 16, 0.1, 0.9);
  }

  @Test
  void oneOrThreePartitionsTrainTheEngineLoopsWeights() {
    Dataset<Row> df = Data.blobsFrame(N, 5);
    float[] one = classifier(0).fit(df.repartition(1)).weights();
    float[] three = classifier(0).setNumReplicas(3).fit(df.repartition(3)).weights();
    float[] reference = reference(df, 0);
    assertThat(EngineLoop.relativeError(one, reference)).isLessThan(1e-5);
    assertThat(EngineLoop.relativeError(three, reference)).isLessThan(1e-5);
  }

  @Test
  void withDropoutToo() {
    Dataset<Row> df = Data.blobsFrame(N, 6);
    float[] one = classifier(0.3).fit(df.repartition(1)).weights();
    float[] three = classifier(0.3).setNumReplicas(3).fit(df.repartition(3)).weights();
    float[] reference = reference(df, 0.3);
    assertThat(EngineLoop.relativeError(reference, reference(df, 0))).isGreaterThan(1e-3);
    assertThat(EngineLoop.relativeError(one, reference)).isLessThan(1e-5);
    assertThat(EngineLoop.relativeError(three, reference)).isLessThan(1e-5);
  }

  /** The job descriptions seen while {@code fit} runs. */
  private static Set<String> descriptionsOf(Runnable fit) throws Exception {
    return Set.copyOf(JobDescriptions.during(fit));
  }

  @Test
  void stepsAndValidationTravelThroughTheChannelOrAsJobsToTheSameModel() throws Exception {
    Dataset<Row> df =
        Data.blobsFrame(80, 8)
            .withColumn("isVal", org.apache.spark.sql.functions.expr("rand(5) < 0.25"))
            .repartition(2);
    NeuralNetClassificationModel[] models = new NeuralNetClassificationModel[2];
    Set<String> channel =
        descriptionsOf(
            () ->
                models[0] =
                    classifier(0.2).setBatchSize(20).setValidationIndicatorCol("isVal").fit(df));
    assertThat(channel)
        .contains(
            "sparkgrad fit: epoch 1/3, steps 1-3/3 through the step channel",
            "sparkgrad fit: epoch 3/3, steps 1-3/3 through the step channel")
        .noneMatch(d -> d.contains(", step 1/3"))
        .noneMatch(d -> d.contains("validation")); // evaluated by the channel's tasks
    SparkSession spark = TestSpark.session();
    spark.conf().set("spark.sparkgrad.fit.transport", "jobs");
    Set<String> jobs;
    try {
      jobs =
          descriptionsOf(
              () ->
                  models[1] =
                      classifier(0.2).setBatchSize(20).setValidationIndicatorCol("isVal").fit(df));
    } finally {
      spark.conf().unset("spark.sparkgrad.fit.transport");
    }
    assertThat(jobs)
        .contains("sparkgrad fit: epoch 1/3, step 1/3", "sparkgrad fit: validation")
        .anyMatch(d -> d.startsWith("sparkgrad fit: epoch 1/3, step 3/3, loss "))
        .anyMatch(d -> d.startsWith("sparkgrad fit: epoch 3/3, step 3/3, loss "))
        .noneMatch(d -> d.contains("step channel"));
    // Both sum the partitions' float32 gradients once, at the driver, in partition order: the same
    // model bit for bit, and the same validation sums.
    assertThat(models[0].weights()).containsExactly(models[1].weights());
    double[] viaChannel = models[0].summary().validationLoss();
    assertThat(viaChannel).hasSize(3).doesNotContain(Double.NaN);
    assertThat(viaChannel).containsExactly(models[1].summary().validationLoss());
    assertThat(models[0].summary().validationMetric())
        .containsExactly(models[1].summary().validationMetric());
  }

  /** One row {@code (x, y)} of a 1-feature regression, in its own partition. */
  private static PartitionData row(int partition, float x, float y) {
    BlockBuilder train = new BlockBuilder(1, 1, false);
    train.add(new float[] {x}, new float[] {y}, 1f);
    return new PartitionData(partition, train.build(), new BlockBuilder(1, 1, false).build());
  }

  @Test
  void aStepAsASparkJobSumsThePartitionsInPartitionOrder() {
    // y = w x + b at w = 0, b = 1 predicts 1 for every row, so the MSE gradient of w is 2 (1 - y) x
    // per row: 2^61 in partition 0, 1 in partition 1, -2^61 in partition 3, 0 elsewhere. In
    // partition order, in double, ((2^61 + 1) + 0) - 2^61 = 0 (2^61 absorbs the 1). A
    // treeAggregate of depth 2 (9 partitions) first folds partitions {0, 3, 6}, {1, 4, 7} and
    // {2, 5, 8}, and gets 0 + 1 + 0 = 1, whichever task finishes first.
    float x = (float) Math.scalb(1.0, 60);
    List<PartitionData> parts = new ArrayList<>();
    for (int p = 0; p < 9; p++) {
      parts.add(
          p == 0 ? row(p, x, 0) : p == 1 ? row(p, 1, 0.5f) : p == 3 ? row(p, x, 2) : row(p, 0, 1));
    }
    parts = RowIds.assign(parts);
    NetworkSpec spec = NetworkSpec.simple(1, new int[0], "relu", 0, 1);
    GradientStep step = new GradientStep(spec, Objective.MSE, 7, 9, 9, false, "cpu");
    float[] weights = {0f, 1f}; // the linear layer's weight, then its bias
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    StepResult viaJobs;
    try (SparkGradientSource source =
        new SparkGradientSource(
            jsc.parallelize(parts, 9), step, StepTransport.JOBS, Duration.ofSeconds(60))) {
      viaJobs = source.step(weights, new float[0], 0, 0, 1, 1);
    }
    StepResult local = new LocalGradientSource(parts, step).step(weights, new float[0], 0, 0, 1, 1);
    assertThat(viaJobs.count()).isEqualTo(9);
    assertThat(viaJobs.grad()).containsExactly(0.0, 1.0).containsExactly(local.grad());
    assertThat(viaJobs.lossSum()).isEqualTo(local.lossSum());
  }

  @Test
  void aChannelWhoseTasksCannotAllRunGivesWayToJobsWithTheSameModel() throws Exception {
    Dataset<Row> df = Data.blobsFrame(60, 8).repartition(3);
    SparkSession spark = TestSpark.session();
    float[] viaJobs;
    float[] fellBack;
    List<String> warnings;
    spark.conf().set("spark.sparkgrad.fit.transport", "jobs");
    try {
      viaJobs = classifier(0).setNumReplicas(3).setBatchSize(20).fit(df).weights();
      // Three partitions, two task slots: the channel's third task never starts.
      spark.conf().set("spark.sparkgrad.fit.transport", "channel");
      spark.conf().set("spark.sparkgrad.fit.channelWaitSeconds", "1");
      try (LogCapture log = LogCapture.of(SparkGradientSource.class)) {
        fellBack = classifier(0).setNumReplicas(3).setBatchSize(20).fit(df).weights();
        warnings = log.lines(Level.WARN);
      }
    } finally {
      spark.conf().unset("spark.sparkgrad.fit.transport");
      spark.conf().unset("spark.sparkgrad.fit.channelWaitSeconds");
    }
    assertThat(warnings)
        .singleElement(InstanceOfAssertFactories.STRING)
        .contains("partition 2 has had no task connected for 1 s")
        .contains("goes on with one Spark job per step");
    // three partitions summed in partition order, whichever task finished first
    assertThat(fellBack).containsExactly(viaJobs);
  }

  @Test
  void progressShowsInJobDescriptionsTheListenerAndTheSummary() throws Exception {
    SparkContext sc = TestSpark.session().sparkContext();
    List<EpochStats> heard = new ArrayList<>();
    sc.setJobDescription("outer job");
    NeuralNetClassificationModel[] fitted = new NeuralNetClassificationModel[1];
    Set<String> descriptions =
        descriptionsOf(
            () ->
                fitted[0] =
                    classifier(0)
                        .setMaxEpochs(2)
                        .setBatchSize(20)
                        .setTrainingListener(heard::add)
                        .fit(Data.blobsFrame(60, 8).repartition(2)));
    NeuralNetClassificationModel model = fitted[0];
    assertThat(sc.getLocalProperty("spark.job.description")).isEqualTo("outer job");
    sc.setJobDescription(null);
    assertThat(descriptions)
        .contains(
            "sparkgrad fit: epoch 1/2, steps 1-3/3 through the step channel",
            "sparkgrad fit: epoch 2/2, steps 1-3/3 through the step channel");
    assertThat(heard).hasSize(2);
    TrainingSummary s = model.summary();
    assertThat(s.epochs()).isEqualTo(heard);
    assertThat(s.steps()).containsExactly(3, 3);
    assertThat(s.epochs().get(1).samples()).isEqualTo(60);
    assertThat(s.seconds()[0]).isPositive();
    assertThat(s.samplesPerSecond()[0]).isPositive();
    assertThat(s.learningRate()).containsExactly(0.1, 0.1);
    assertThat(s.trainLoss()[1]).isLessThan(s.trainLoss()[0]);
    assertThat(s.earlyStopped()).isFalse();
    assertThat(sc.getPersistentRDDs().isEmpty()).isTrue();
  }

  @Test
  void validationRowsAndEarlyStoppingKeepTheBestEpoch() {
    Dataset<Row> df =
        Data.blobsFrame(120, 9)
            .withColumn("isVal", org.apache.spark.sql.functions.expr("rand(3) < 0.25"));
    NeuralNetClassificationModel model =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {16})
            .setLearningRate(0.5)
            .setOptimizer("sgd")
            .setBatchSize(30)
            .setMaxEpochs(12)
            .setValidationIndicatorCol("isVal")
            .setEarlyStoppingPatience(2)
            .setSeed(1)
            .fit(df);
    TrainingSummary s = model.summary();
    double[] val = s.validationLoss();
    int best = s.bestEpoch();
    for (int e = 0; e < val.length; e++) {
      assertThat(val[e]).isGreaterThanOrEqualTo(val[best - 1]);
    }
    // It really stopped early: patience 2 after the best epoch, well before maxEpochs (12), with
    // one history entry per epoch run. A fit that ignores early stopping runs all 12 epochs.
    assertThat(s.earlyStopped()).as("earlyStopped").isTrue();
    assertThat(s.totalEpochs()).isEqualTo(best + 2).isLessThan(12);
    assertThat(s.epochs()).hasSize(best + 2);
    assertThat(val).hasSize(best + 2);
    assertThat(s.validationMetric()[best - 1]).isGreaterThan(0.8);
    long trainRows = df.filter("not isVal").count();
    assertThat(s.epochs().get(0).samples()).isEqualTo(trainRows);
    // The model has the best epoch's weights: its validation loss is the best one recorded.
    Dataset<Row> scored = model.transform(df.filter("isVal"));
    double loss = 0;
    List<Row> rows = scored.select("probability", "label").collectAsList();
    for (Row r : rows) {
      loss -= Math.log(((Vector) r.get(0)).apply((int) r.getDouble(1)));
    }
    assertThat(loss / rows.size())
        .isCloseTo(val[best - 1], org.assertj.core.data.Offset.offset(1e-4));
  }
}
