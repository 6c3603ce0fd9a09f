package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.JobDescriptions;
import org.sparkgrad.ml.support.TestSpark;

/**
 * Per-step progress in the Spark UI: each step's job is named with its epoch, its step and the mean
 * loss of the step before, the figures the epoch's training loss is the mean of.
 */
class StepProgressTest {
  private static final Pattern LOSS = Pattern.compile(", loss ([0-9.eE+-]+)$");

  private static double loss(String description) {
    Matcher m = LOSS.matcher(description);
    assertThat(m.find()).as("a loss in '%s'", description).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void eachStepJobShowsTheLossOfTheStepBefore() throws Exception {
    // 60 rows in batches of 20: three equal steps an epoch, so the epoch's loss is their mean.
    Dataset<Row> df = Data.blobsFrame(60, 21).coalesce(1);
    NeuralNetClassifier nn =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {8})
            .setOptimizer("sgd")
            .setLearningRate(0.5)
            .setBatchSize(20)
            .setMaxEpochs(2)
            .setSeed(3);
    NeuralNetClassificationModel[] model = new NeuralNetClassificationModel[1];
    SparkSession spark = TestSpark.session();
    spark.conf().set("spark.sparkgrad.fit.transport", "jobs");
    List<String> steps;
    try {
      steps =
          JobDescriptions.during(() -> model[0] = nn.fit(df)).stream()
              .filter(d -> d.startsWith("sparkgrad fit: epoch"))
              .toList();
    } finally {
      spark.conf().unset("spark.sparkgrad.fit.transport");
    }
    assertThat(steps).hasSize(6);
    assertThat(steps.get(0)).isEqualTo("sparkgrad fit: epoch 1/2, step 1/3");
    assertThat(steps.get(1)).startsWith("sparkgrad fit: epoch 1/2, step 2/3, loss ");
    assertThat(steps.get(3)).startsWith("sparkgrad fit: epoch 2/2, step 1/3, loss ");
    double[] trainLoss = model[0].summary().trainLoss();
    // Epoch 1's three step losses appear on the jobs of its steps 2 and 3 and of epoch 2's step 1.
    double epoch1 = (loss(steps.get(1)) + loss(steps.get(2)) + loss(steps.get(3))) / 3;
    assertThat(epoch1).isCloseTo(trainLoss[0], within(1e-3 * trainLoss[0]));
    // The first step of epoch 1 trains on untrained weights: its loss is above the epoch's mean.
    assertThat(loss(steps.get(1))).isGreaterThan(trainLoss[1]);
  }
}
