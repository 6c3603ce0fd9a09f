package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.PaintedTicks;
import org.sparkgrad.ml.train.EpochStats;
import org.sparkgrad.ml.train.TrainingSummary;

/** The learning-curve PNG: its size, both charts drawn, and round axis ticks. */
class CurvePlotTest {
  /** 12 epochs: loss from 0.519 down to about 0.01, accuracy from 0.6 up. */
  private static TrainingSummary summary(boolean withValidation) {
    List<EpochStats> epochs = new ArrayList<>();
    for (int e = 1; e <= 12; e++) {
      double loss = 0.519 * Math.pow(0.7, e - 1);
      double acc = 0.95 - 0.35 * Math.pow(0.7, e - 1);
      double vLoss = withValidation ? loss * 1.1 + 0.01 : Double.NaN;
      double vAcc = withValidation ? acc - 0.02 : Double.NaN;
      epochs.add(new EpochStats(e, 12, loss, acc, vLoss, vAcc, "accuracy", 1e-3, 10, 1280, 1.0));
    }
    return new TrainingSummary(epochs, false, 12);
  }

  private static BufferedImage read(byte[] png) throws Exception {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(img).isNotNull();
    return img;
  }

  /** Pixels of exactly {@code colour} in columns [x0, x1). */
  private static int count(BufferedImage img, Color colour, int x0, int x1) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = x0; x < x1; x++) {
        if ((img.getRGB(x, y) & 0xffffff) == (colour.getRGB() & 0xffffff)) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void bothChartsDrawBothCurves() throws Exception {
    BufferedImage img = read(CurvePlot.png(summary(true), "accuracy"));
    assertThat(img.getWidth()).isEqualTo(CurvePlot.WIDTH);
    assertThat(img.getHeight()).isEqualTo(CurvePlot.HEIGHT);
    int half = CurvePlot.WIDTH / 2;
    for (int[] side : new int[][] {{0, half}, {half, CurvePlot.WIDTH}}) {
      assertThat(count(img, CurvePlot.TRAIN, side[0], side[1])).isGreaterThan(200);
      assertThat(count(img, CurvePlot.VALIDATION, side[0], side[1])).isGreaterThan(200);
    }
  }

  @Test
  void noValidationCurveWithoutValidationRows() throws Exception {
    BufferedImage img = read(CurvePlot.png(summary(false), "accuracy"));
    assertThat(count(img, CurvePlot.TRAIN, 0, CurvePlot.WIDTH)).isGreaterThan(400);
    assertThat(count(img, CurvePlot.VALIDATION, 0, CurvePlot.WIDTH)).isZero();
  }

  @Test
  void aSingleEpochOrNoFiniteValueStillDraws() throws Exception {
    TrainingSummary one = new TrainingSummary(summary(true).epochs().subList(0, 1), false, 1);
    BufferedImage img = read(CurvePlot.png(one, "accuracy"));
    assertThat(count(img, CurvePlot.TRAIN, 0, CurvePlot.WIDTH)).isPositive();
    EpochStats nan =
        new EpochStats(
            1, 1, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "rmse", 1e-3, 1, 1, 1.0);
    BufferedImage empty = read(CurvePlot.png(new TrainingSummary(List.of(nan), false, 1), "rmse"));
    assertThat(empty.getWidth()).isEqualTo(CurvePlot.WIDTH);
    assertThat(count(empty, CurvePlot.TRAIN, 0, CurvePlot.WIDTH)).isZero();
  }

  @Test
  void axisTicksAreRoundNumbersSpanningTheData() {
    List<XYChart> charts = CurvePlot.charts(summary(true), "accuracy");
    // loss 0.0102..0.58, accuracy 0.58..0.95: the old plot's ticks read 0.0143 and 0.519
    assertRoundTicks(PaintedTicks.yLabels(charts.get(0)), 0.0103, 0.58);
    assertRoundTicks(PaintedTicks.yLabels(charts.get(1)), 0.58, 0.94);
    List<String> epochs = PaintedTicks.xLabels(charts.get(0));
    assertThat(epochs).first().isEqualTo("1");
    assertThat(epochs).last().isEqualTo("12");
  }

  /**
   * Ticks equally spaced by 1, 2, 2.5 or 5 times a power of ten, each a multiple of that step,
   * together covering [lo, hi] to within one step.
   */
  private static void assertRoundTicks(List<String> labels, double lo, double hi) {
    assertThat(labels).hasSizeGreaterThanOrEqualTo(3);
    double[] ticks = labels.stream().mapToDouble(Double::parseDouble).toArray();
    double step = ticks[1] - ticks[0];
    double decade = Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
    assertThat(Math.rint(step / decade * 10) / 10).as("step %s", step).isIn(1.0, 2.0, 2.5, 5.0);
    for (int i = 0; i < ticks.length; i++) {
      assertThat(ticks[i]).as("%s", labels).isCloseTo(ticks[0] + i * step, within(step * 1e-6));
      assertThat(Math.abs(ticks[i] / step - Math.rint(ticks[i] / step)))
          .as("tick %s", labels.get(i))
          .isLessThan(1e-6);
    }
    assertThat(ticks[0]).isLessThanOrEqualTo(lo + step);
    assertThat(ticks[ticks.length - 1]).isGreaterThanOrEqualTo(hi - step);
  }

  @Test
  void tickLabelsAreShort() {
    assertThat(CurvePlot.tickLabel(0.30000000000000004)).isEqualTo("0.3");
    assertThat(CurvePlot.tickLabel(-0.0)).isEqualTo("0");
    assertThat(CurvePlot.tickLabel(10.0)).isEqualTo("10");
    assertThat(CurvePlot.tickLabel(-0.025)).isEqualTo("-0.025");
    assertThat(CurvePlot.tickLabel(2500.0)).isEqualTo("2500");
  }
}
