package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.TestSpark;

/**
 * {@code dataStorage=stream} trains the model that {@code dataStorage=memory} does: the same
 * minibatches in the same order, through the step channel or one Spark job per step, with weights
 * and validation rows, and chunks and epoch buckets small enough that every partition has many.
 */
class StreamedFitTest {
  private static final Dataset<Row> DF =
      Data.blobsFrame(300, 21)
          .withColumn("w", functions.expr("0.5 + rand(3)"))
          .withColumn("isVal", functions.expr("rand(5) < 0.2"))
          .repartition(2);

  @BeforeEach
  void smallChunksAndBuckets() {
    SparkSession spark = TestSpark.session();
    spark.conf().set("spark.sparkgrad.fit.streamChunkKiB", "1"); // 25 rows a chunk
    spark.conf().set("spark.sparkgrad.fit.streamBucketKiB", "1"); // 25 rows a bucket
  }

  @AfterEach
  void unset() {
    SparkSession spark = TestSpark.session();
    spark.conf().unset("spark.sparkgrad.fit.streamChunkKiB");
    spark.conf().unset("spark.sparkgrad.fit.streamBucketKiB");
    spark.conf().unset("spark.sparkgrad.fit.transport");
  }

  private static NeuralNetClassificationModel fit(String storage) {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {8})
        .setDropout(0.2)
        .setOptimizer("adam")
        .setLearningRate(0.05)
        .setBatchSize(24)
        .setMaxEpochs(3)
        .setSeed(3)
        .setWeightCol("w")
        .setValidationIndicatorCol("isVal")
        .setDataStorage(storage)
        .fit(DF);
  }

  @Test
  void streamedRowsTrainTheModelOfRowsInMemory() {
    NeuralNetClassificationModel memory = fit("memory");
    NeuralNetClassificationModel channel = fit("stream");
    TestSpark.session().conf().set("spark.sparkgrad.fit.transport", "jobs");
    NeuralNetClassificationModel jobs = fit("stream");
    for (NeuralNetClassificationModel streamed :
        new NeuralNetClassificationModel[] {channel, jobs}) {
      assertThat(streamed.weights()).isEqualTo(memory.weights());
      // validation rows are summed chunk by chunk when streamed: the same up to float rounding
      assertThat(streamed.summary().validationLoss())
          .hasSize(3)
          .containsExactly(memory.summary().validationLoss(), within(1e-7));
      assertThat(streamed.summary().trainLoss()).containsExactly(memory.summary().trainLoss());
    }
    // training happened: the loss fell
    double[] loss = memory.summary().trainLoss();
    assertThat(loss[2]).isLessThan(loss[0]);
    assertThat(TestSpark.session().sparkContext().getPersistentRDDs().isEmpty()).isTrue();
  }
}
