package org.knowm.xchart.internal.chartpart;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The tick labels that XChart painted on a chart's axes. XChart keeps them in its internal axis
 * objects, reachable only from this package; the curve-plot test reads them from here.
 */
public final class PaintedTicks {
  private PaintedTicks() {}

  /** Paints {@code chart} at its own size, then returns its y axis' tick labels, bottom first. */
  public static List<String> yLabels(Chart<?, ?> chart) {
    paint(chart);
    return chart.getYAxis().getAxisTickCalculator().getTickLabels();
  }

  /** Paints {@code chart} at its own size, then returns its x axis' tick labels, left first. */
  public static List<String> xLabels(Chart<?, ?> chart) {
    paint(chart);
    return chart.getXAxis().getAxisTickCalculator().getTickLabels();
  }

  private static void paint(Chart<?, ?> chart) {
    BufferedImage img =
        new BufferedImage(chart.getWidth(), chart.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      chart.paint(g, chart.getWidth(), chart.getHeight());
    } finally {
      g.dispose();
    }
  }
}
