package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.TestSpark;

/**
 * A batchSize whose activations cannot fit the executor heap (here the test JVM's, in {@code
 * local[2]}) fails before the step allocates, with the param, its value, the memory needed and the
 * heap, through either transport; the JVM survives and nothing hangs or stays cached.
 */
class HugeBatchSizeTest {
  /**
   * About 1000 rows a partition, each keeping 2 * 4 bytes * (4 + 500000 + 500000 + 3) floats: about
   * 7.5 GiB per task, more than the test JVM's 4 GiB heap.
   */
  private static final String MESSAGE =
      "batchSize 2000 needs about \\d+\\.\\d GiB per task for activations and gradients of this"
          + " network \\(\\d+ rows of the minibatch in this partition\\); the executor heap is"
          + " \\d+\\.\\d GiB: lower batchSize or raise spark.executor.memory";

  private static NeuralNetClassifier huge() {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {500_000})
        .setBatchSize(2000)
        .setMaxEpochs(1)
        .setDevice("cpu")
        .setSeed(5);
  }

  private static Dataset<Row> data() {
    return Data.blobsFrame(2000, 9).coalesce(2);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void throughTheStepChannel() {
    assertFailsNamingBatchSize();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void throughOneJobPerStep() {
    SparkSession spark = TestSpark.session();
    spark.conf().set("spark.sparkgrad.fit.transport", "jobs");
    try {
      assertFailsNamingBatchSize();
    } finally {
      spark.conf().unset("spark.sparkgrad.fit.transport");
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aBatchSizeThatFitsTrainsTheSameNetwork() {
    NeuralNetClassificationModel m =
        huge().setHiddenLayers(new int[] {64}).setBatchSize(2000).fit(data());
    assertThat(m.weights()).hasSize(4 * 64 + 64 + 64 * 3 + 3);
  }

  private static void assertFailsNamingBatchSize() {
    Dataset<Row> df = data();
    assertThatThrownBy(() -> huge().fit(df))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching(MESSAGE);
    assertThat(TestSpark.session().sparkContext().getPersistentRDDs().isEmpty())
        .as("cached data left behind")
        .isTrue();
  }
}
