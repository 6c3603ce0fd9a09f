package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.NeuralNetClassificationModel;
import org.sparkgrad.ml.NeuralNetClassifier;

/** The live-plot listener: one new picture per epoch, drawn from the epochs of the fit so far. */
class LiveCurvesTest {
  private static int count(BufferedImage img, Color colour, int x0, int x1) {
    int n = 0;
    for (int x = x0; x < x1; x++) {
      for (int y = 0; y < img.getHeight(); y++) {
        if (img.getRGB(x, y) == colour.getRGB()) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void plotsEachEpochOfARealFit() {
    Dataset<Row> data =
        GeneratedData.create(TestSpark.session(), 600, 3, 2, "label", "features")
            .withColumn("val", functions.rand(7).lt(0.2));
    List<BufferedImage> shown = new ArrayList<>();
    LiveCurves live = new LiveCurves(shown::add);
    NeuralNetClassifier nn =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {16})
            .setBatchSize(64)
            .setMaxEpochs(3)
            .setValidationIndicatorCol("val")
            .setSeed(1);
    nn.setTrainingListener(live);
    NeuralNetClassificationModel model = nn.fit(data);

    assertThat(shown).hasSize(3);
    assertThat(live.epochs()).isEqualTo(model.summary().epochs());
    BufferedImage last = shown.get(2);
    assertThat(last.getWidth()).isEqualTo(CurvePlot.WIDTH);
    assertThat(last.getHeight()).isEqualTo(CurvePlot.HEIGHT);
    int half = CurvePlot.WIDTH / 2;
    // Both charts carry a training and a validation curve.
    assertThat(count(last, CurvePlot.TRAIN, 0, half)).isGreaterThan(50);
    assertThat(count(last, CurvePlot.VALIDATION, 0, half)).isGreaterThan(50);
    assertThat(count(last, CurvePlot.TRAIN, half, CurvePlot.WIDTH)).isGreaterThan(50);
    assertThat(count(last, CurvePlot.VALIDATION, half, CurvePlot.WIDTH)).isGreaterThan(50);
    // After one epoch there is no line yet, only a marker: the curve grows as epochs arrive.
    assertThat(count(shown.get(0), CurvePlot.TRAIN, 0, half))
        .isLessThan(count(last, CurvePlot.TRAIN, 0, half));

    nn.fit(data); // the same listener on a second fit starts a new plot
    assertThat(shown).hasSize(6);
    assertThat(live.epochs()).hasSize(3);
  }

  @Test
  void beforeTheFirstEpochThePictureIsBlankAndShowIsRequired() {
    BufferedImage blank = new LiveCurves(img -> {}).image();
    assertThat(count(blank, Color.WHITE, 0, blank.getWidth()))
        .isEqualTo(blank.getWidth() * blank.getHeight());
    assertThatThrownBy(() -> new LiveCurves(null))
        .hasMessage("show must not be null (a notebook's display function)");
  }
}
