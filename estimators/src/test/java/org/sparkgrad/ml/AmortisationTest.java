package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.EngineLoop;
import org.sparkgrad.ml.support.JobDescriptions;
import org.sparkgrad.ml.train.TrainingSummary;

/**
 * The levers that amortise a Spark job's fixed cost, on the shared {@code local[2]} session:
 * gradient accumulation trains what a k times larger minibatch trains, in one job per optimizer
 * step; local steps run one job per k steps and are reproducible.
 */
class AmortisationTest {
  private static final int N = 90;

  private static NeuralNetClassifier classifier() {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {8})
        .setActivation("tanh")
        .setDropout(0.2)
        .setOptimizer("adam")
        .setLearningRate(0.01)
        .setMaxEpochs(3)
        .setSeed(11);
  }

  /** The descriptions of the fit's per-step jobs while {@code fit} runs. */
  private static List<String> fitJobs(Runnable fit) throws Exception {
    return JobDescriptions.during(fit).stream()
        .filter(d -> d.startsWith("sparkgrad fit: epoch"))
        .toList();
  }

  @Test
  void accumulationEqualsALargerBatchInOneJobPerStep() throws Exception {
    Dataset<Row> df = Data.blobsFrame(N, 12).repartition(3);
    float[][] accumulated = new float[1][];
    List<String> jobs =
        fitJobs(
            () ->
                accumulated[0] =
                    classifier()
                        .setNumReplicas(3)
                        .setBatchSize(5)
                        .setGradAccumulationSteps(4)
                        .fit(df)
                        .weights());
    float[] large = classifier().setNumReplicas(3).setBatchSize(20).fit(df).weights();
    float[] small = classifier().setNumReplicas(3).setBatchSize(5).fit(df).weights();
    assertThat(EngineLoop.relativeError(accumulated[0], large)).isLessThan(1e-5);
    assertThat(EngineLoop.relativeError(small, large)).isGreaterThan(1e-2);
    // ceil(90 / 20) = 5 optimizer steps per epoch, one job each
    assertThat(jobs)
        .hasSize(15)
        .anyMatch(d -> d.startsWith("sparkgrad fit: epoch 3/3, step 5/5, loss "));
  }

  @Test
  void localStepsRunOneJobPerRoundAndAreReproducible() throws Exception {
    Dataset<Row> df = Data.blobsFrame(N, 13).repartition(2);
    float[][] first = new float[1][];
    NeuralNetClassificationModel[] model = new NeuralNetClassificationModel[1];
    List<String> jobs =
        fitJobs(
            () -> {
              model[0] = classifier().setNumReplicas(2).setBatchSize(10).setLocalSteps(4).fit(df);
              first[0] = model[0].weights();
            });
    float[] second =
        classifier().setNumReplicas(2).setBatchSize(10).setLocalSteps(4).fit(df).weights();
    float[] sync = classifier().setNumReplicas(2).setBatchSize(10).fit(df).weights();
    assertThat(first[0]).containsExactly(second);
    assertThat(EngineLoop.relativeError(first[0], sync)).isGreaterThan(1e-4);
    // 9 steps per epoch in rounds of 4, 4 and 1
    assertThat(jobs)
        .hasSize(9)
        .contains(
            "sparkgrad fit: epoch 1/3, local steps 1-4/9",
            "sparkgrad fit: epoch 3/3, local steps 9-9/9");
    TrainingSummary s = model[0].summary();
    assertThat(s.steps()).containsExactly(9, 9, 9);
    assertThat(s.epochs().get(2).samples()).isEqualTo(N);
    assertThat(s.trainLoss()[2]).isLessThan(s.trainLoss()[0]);
  }
}
