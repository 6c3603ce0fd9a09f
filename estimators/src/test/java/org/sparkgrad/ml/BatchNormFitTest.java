package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.EngineLoop;
import org.sparkgrad.ml.support.JobDescriptions;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.ml.train.BatchNormSteps;
import org.sparkgrad.tensor.Tensor;

/**
 * Batch norm through the estimator on {@code local[2]}: a batch-norm CNN fit on one partition or
 * two (through the step channel) or three (more than the two task slots, so one Spark job per round
 * of batch statistics) trains the same weights and running statistics, which the model keeps under
 * PyTorch's names.
 */
class BatchNormFitTest {
  private static final int N = 96;

  /** 96 8x8 images of 3 classes ({@link BatchNormSteps#images}). */
  private static Dataset<Row> images() {
    float[] y = new float[N];
    float[][] x = BatchNormSteps.images(N, 9, y);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      double[] v = new double[x[i].length];
      for (int j = 0; j < v.length; j++) {
        v[j] = x[i][j];
      }
      rows.add(RowFactory.create(Vectors.dense(v), (double) y[i]));
    }
    return TestSpark.session().createDataFrame(rows, Data.schema());
  }

  @TempDir Path tmp;

  private static NeuralNetClassifier classifier(int epochs, int partitions) {
    return new NeuralNetClassifier()
        .setNetwork(BatchNormSteps.CNN)
        .setOptimizer("adam")
        .setLearningRate(0.01)
        .setBatchSize(48)
        .setMaxEpochs(epochs)
        .setSeed(5)
        .setNumReplicas(partitions);
  }

  private static NeuralNetClassificationModel fit(
      Dataset<Row> df, int partitions, List<String> jobs) throws Exception {
    NeuralNetClassifier c = classifier(2, partitions);
    Dataset<Row> in = df.repartition(partitions).cache();
    in.count();
    NeuralNetClassificationModel[] m = new NeuralNetClassificationModel[1];
    jobs.addAll(JobDescriptions.during(() -> m[0] = c.fit(in)));
    in.unpersist();
    return m[0];
  }

  @Test
  void oneTwoOrThreePartitionsTrainTheSameWeightsAndRunningStatistics() throws Exception {
    Dataset<Row> df = images();
    List<String> jobs1 = new ArrayList<>();
    List<String> jobs2 = new ArrayList<>();
    List<String> jobs3 = new ArrayList<>();
    NeuralNetClassificationModel one = fit(df, 1, jobs1);
    NeuralNetClassificationModel two = fit(df, 2, jobs2);
    NeuralNetClassificationModel three = fit(df, 3, jobs3);
    assertThat(jobs1).anyMatch(d -> d.contains("through the step channel"));
    assertThat(jobs2).anyMatch(d -> d.contains("through the step channel"));
    // 2 steps an epoch, each 4 rounds of batch statistics (one batch-norm layer) and a last pass
    assertThat(jobs3)
        .noneMatch(d -> d.contains("step channel"))
        .filteredOn(d -> d.contains("batch statistics pass"))
        .hasSize(20)
        .anyMatch(
            d ->
                d.startsWith("sparkgrad fit: epoch 2/2, step 2/2, loss ")
                    && d.endsWith(", batch statistics pass 5"));
    float[] buffers = one.buffers();
    assertThat(buffers).hasSize(9);
    assertThat(buffers[8]).isEqualTo(4f); // num_batches_tracked: 2 epochs of 2 steps
    assertThat(EngineLoop.relativeError(one.weights(), two.weights())).isLessThan(1e-5);
    assertThat(EngineLoop.relativeError(one.weights(), three.weights())).isLessThan(1e-5);
    assertThat(EngineLoop.relativeError(buffers, two.buffers())).isLessThan(1e-5);
    assertThat(EngineLoop.relativeError(buffers, three.buffers())).isLessThan(1e-5);
    Tensor mean = three.stateDict().get("1.running_mean");
    assertThat(mean.toFloatArray()).containsExactly(java.util.Arrays.copyOf(three.buffers(), 4));
  }

  @Test
  void aWarmStartGoesOnFromTheRunningStatisticsItStartsFrom() throws Exception {
    Dataset<Row> df = images().repartition(1);
    NeuralNetClassificationModel first = classifier(1, 1).fit(df);
    assertThat(first.buffers()[8]).isEqualTo(2f); // num_batches_tracked: 2 steps
    String saved = tmp.resolve("first").toString();
    first.write().save(saved);
    NeuralNetClassificationModel fromModel = classifier(1, 1).setInitialModel(first).fit(df);
    NeuralNetClassificationModel fromPath = classifier(1, 1).setInitialWeightsPath(saved).fit(df);
    assertThat(fromModel.buffers()[8]).isEqualTo(4f); // counted on from the first fit's 2
    assertThat(fromPath.buffers()).containsExactly(fromModel.buffers());
  }
}
