package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.support.Data;

/**
 * {@code classWeights} and {@code labelSmoothing} change what a cross-entropy classifier learns the
 * way PyTorch's do: a heavier class is predicted more often, smoothed targets give less confident
 * probabilities; both persist with the model.
 */
class ClassWeightsAndSmoothingFitTest {
  private static NeuralNetClassifier classifier() {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {16})
        .setLearningRate(0.01)
        .setBatchSize(32)
        .setMaxEpochs(15)
        .setSeed(5);
  }

  private static double shareOf(Dataset<Row> scored, double cls) {
    return scored.filter(scored.col("prediction").equalTo(cls)).count() / (double) scored.count();
  }

  @Test
  void aHeavierClassIsPredictedMoreOften() {
    // Overlapping blobs: where they overlap, the weights decide.
    Dataset<Row> train = BinaryAndMultiLabelFitTest.twoBlobs(400, 1.0, 7);
    Dataset<Row> test = BinaryAndMultiLabelFitTest.twoBlobs(400, 1.0, 8);
    double plain = shareOf(classifier().fit(train).transform(test), 1.0);
    NeuralNetClassificationModel weighted =
        classifier().setClassWeights(new double[] {1, 6}).fit(train);
    double heavy = shareOf(weighted.transform(test), 1.0);
    assertThat(plain).isBetween(0.3, 0.7);
    assertThat(heavy).isGreaterThan(plain + 0.12);
    assertThat(weighted.getClassWeights()).containsExactly(1, 6);
  }

  @Test
  void smoothedTargetsGiveLessConfidentProbabilities() {
    Dataset<Row> train = Data.blobsFrame(300, 3);
    Dataset<Row> test = Data.blobsFrame(150, 4);
    double sharp = meanTopProbability(classifier().fit(train).transform(test));
    NeuralNetClassificationModel smooth = classifier().setLabelSmoothing(0.4).fit(train);
    double soft = meanTopProbability(smooth.transform(test));
    // With smoothing 0.4 over 3 classes the best a row can be is 1 - 0.4 + 0.4 / 3 = 0.733.
    assertThat(sharp).isGreaterThan(0.85);
    assertThat(soft).isLessThan(0.8).isLessThan(sharp - 0.1);
    assertThat(smooth.getLabelSmoothing()).isEqualTo(0.4);
  }

  private static double meanTopProbability(Dataset<Row> scored) {
    List<Row> rows = scored.select("probability").collectAsList();
    double sum = 0;
    for (Row r : rows) {
      Vector p = r.getAs(0);
      sum += p.apply(p.argmax());
    }
    return sum / rows.size();
  }

  @Test
  void classWeightsMustMatchTheClasses() {
    assertThatThrownBy(
            () ->
                classifier()
                    .setClassWeights(new double[] {1, 2})
                    .setMaxEpochs(1)
                    .fit(Data.blobsFrame(30, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "classWeights has 2 values, but the classifier has 3 classes (one weight per class)");
    assertThatThrownBy(() -> classifier().setLabelSmoothing(1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("labelSmoothing must be in [0, 1), got 1.0");
  }
}
