package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.support.Data;

class SmokeTest {
  @Test
  void fitsAndScores() {
    Dataset<Row> df = Data.blobsFrame(300, 1).repartition(2);
    NeuralNetClassificationModel m =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {8})
            .setMaxEpochs(5)
            .setBatchSize(32)
            .setLearningRate(0.05)
            .setSeed(3)
            .fit(df);
    Dataset<Row> out = m.transform(df);
    List<Row> rows = out.collectAsList();
    assertThat(rows).hasSize(300);
    double acc = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(out);
    System.out.println("accuracy " + acc + " " + m.summary().epochs());
    assertThat(acc).isGreaterThan(0.8);
  }
}
