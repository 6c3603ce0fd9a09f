package org.sparkgrad.examples;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.sparkgrad.ml.train.TrainingSummary;

/**
 * The learning curves of a fit as a PNG, drawn by XChart: the loss (left) and the metric (right)
 * per epoch, training in blue and validation (when there were validation rows) in orange, on axes
 * with round tick values.
 */
final class CurvePlot {
  /** The image width in pixels (two charts side by side). */
  static final int WIDTH = 960;

  /** The image height in pixels. */
  static final int HEIGHT = 400;

  /** The colour of the training curves. */
  static final Color TRAIN = new Color(31, 119, 180);

  /** The colour of the validation curves. */
  static final Color VALIDATION = new Color(255, 127, 14);

  private CurvePlot() {}

  /** The curves of {@code s} as PNG bytes; {@code metricName} titles the right chart. */
  static byte[] png(TrainingSummary s, String metricName) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      BitmapEncoder.saveBitmap(charts(s, metricName), 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the learning curves as PNG: " + e, e);
    }
    return out.toByteArray();
  }

  /** The two charts: the loss and the metric per epoch. */
  static List<XYChart> charts(TrainingSummary s, String metricName) {
    return List.of(
        chart("loss", s.trainLoss(), s.validationLoss()),
        chart(metricName, s.trainMetric(), s.validationMetric()));
  }

  private static XYChart chart(String title, double[] train, double[] validation) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH / 2)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("epoch")
            .build();
    XYStyler styler = chart.getStyler();
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setPlotGridLinesColor(new Color(230, 230, 230));
    // The legend goes in the right-hand corner that the curve leaves free: the bottom one for a
    // rising curve (accuracy), the top one for a falling one (loss).
    styler.setLegendPosition(
        rises(train) ? Styler.LegendPosition.InsideSE : Styler.LegendPosition.InsideNE);
    styler.setxAxisTickLabelsFormattingFunction(CurvePlot::tickLabel);
    styler.setyAxisTickLabelsFormattingFunction(CurvePlot::tickLabel);
    add(chart, "training", train, TRAIN);
    add(chart, "validation", validation, VALIDATION);
    if (chart.getSeriesMap().isEmpty()) {
      // No finite value at all (a diverged fit): an empty frame, which XChart draws only with a
      // series to scale by.
      XYSeries none = chart.addSeries("no finite values", new double[] {1}, new double[] {0});
      none.setLineColor(Color.WHITE);
      none.setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  /** Whether the last finite value is above the first. */
  private static boolean rises(double[] values) {
    double[] finite = Arrays.stream(values).filter(Double::isFinite).toArray();
    return finite.length > 1 && finite[finite.length - 1] > finite[0];
  }

  /** Adds the finite points of {@code values} (epoch i + 1), if any. */
  private static void add(XYChart chart, String name, double[] values, Color color) {
    int[] finite =
        IntStream.range(0, values.length).filter(i -> Double.isFinite(values[i])).toArray();
    if (finite.length == 0) {
      return;
    }
    double[] x = Arrays.stream(finite).mapToDouble(i -> i + 1).toArray();
    double[] y = Arrays.stream(finite).mapToDouble(i -> values[i]).toArray();
    XYSeries series = chart.addSeries(name, x, y);
    series.setLineColor(color);
    series.setMarkerColor(color);
    series.setMarker(SeriesMarkers.CIRCLE);
  }

  /**
   * A tick value as a short label: XChart places ticks at round values, and this prints them with
   * at most 6 significant digits and no trailing zeros ({@code 0.25}, {@code 1.5}, {@code 10}),
   * without the floating-point noise of the tick arithmetic ({@code 0.30000000000000004}).
   */
  static String tickLabel(Double value) {
    if (value == 0.0) {
      return "0";
    }
    return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }
}
