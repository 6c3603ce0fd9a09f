package org.sparkgrad.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.sparkgrad.ml.TrainingSummary;

/**
 * The learning curves of a fit as a PNG: the loss (left) and the metric (right) per epoch, training
 * in blue and validation (when there were validation rows) in orange. Drawn with {@code java.awt}
 * on a {@link BufferedImage}, headless, with no plotting dependency.
 */
final class CurvePlot {
  /** The image width in pixels. */
  static final int WIDTH = 960;

  /** The image height in pixels. */
  static final int HEIGHT = 400;

  /** The colour of the training curves. */
  static final Color TRAIN = new Color(31, 119, 180);

  /** The colour of the validation curves. */
  static final Color VALIDATION = new Color(255, 127, 14);

  private static final int MARGIN_LEFT = 70;
  private static final int MARGIN_RIGHT = 20;
  private static final int MARGIN_TOP = 40;
  private static final int MARGIN_BOTTOM = 50;

  private CurvePlot() {}

  /** The curves of {@code s} as an image; {@code metricName} titles the right panel. */
  static BufferedImage render(TrainingSummary s, String metricName) {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      int half = WIDTH / 2;
      panel(g, 0, half, "loss", s.trainLoss(), s.validationLoss());
      panel(g, half, half, metricName, s.trainMetric(), s.validationMetric());
    } finally {
      g.dispose();
    }
    return img;
  }

  /** The image as PNG bytes. */
  static byte[] png(BufferedImage img) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, "png", out)) {
        throw new IllegalStateException("no PNG writer in this JVM");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void panel(
      Graphics2D g, int x0, int width, String title, double[] train, double[] validation) {
    int left = x0 + MARGIN_LEFT;
    int right = x0 + width - MARGIN_RIGHT;
    int top = MARGIN_TOP;
    int bottom = HEIGHT - MARGIN_BOTTOM;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] series : new double[][] {train, validation}) {
      for (double v : series) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!(lo <= hi)) {
      lo = 0;
      hi = 1;
    }
    double pad = hi > lo ? 0.05 * (hi - lo) : Math.max(1e-3, Math.abs(hi) * 0.05);
    lo -= pad;
    hi += pad;
    int epochs = Math.max(train.length, 1);
    Axis axis = new Axis(left, right, top, bottom, lo, hi, epochs);

    g.setColor(Color.BLACK);
    FontMetrics fm = g.getFontMetrics();
    g.drawString(title, left, top - 15);
    for (int i = 0; i <= 4; i++) {
      double v = lo + (hi - lo) * i / 4;
      int y = axis.y(v);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(left + 1, y, right - 1, y);
      g.setColor(Color.BLACK);
      String label = String.format(Locale.ROOT, "%.3g", v);
      g.drawString(label, left - 6 - fm.stringWidth(label), y + fm.getAscent() / 2);
    }
    g.drawRect(left, top, right - left, bottom - top);
    int step = Math.max(1, (int) Math.ceil(epochs / 10.0));
    for (int e = 1; e <= epochs; e += step) {
      int x = axis.x(e);
      g.drawLine(x, bottom, x, bottom + 4);
      String label = Integer.toString(e);
      g.drawString(label, x - fm.stringWidth(label) / 2, bottom + 5 + fm.getAscent());
    }
    g.drawString("epoch", (left + right - fm.stringWidth("epoch")) / 2, HEIGHT - 12);
    line(g, axis, train, TRAIN);
    line(g, axis, validation, VALIDATION);
    legend(g, right, top, hasFinite(validation));
  }

  private static void line(Graphics2D g, Axis axis, double[] values, Color color) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2f));
    int px = -1;
    int py = -1;
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        px = -1;
        continue;
      }
      int x = axis.x(i + 1);
      int y = axis.y(values[i]);
      g.fillOval(x - 3, y - 3, 7, 7);
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      px = x;
      py = y;
    }
    g.setStroke(new BasicStroke(1f));
  }

  /** The legend, on the title line right of the title, clear of the curves. */
  private static void legend(Graphics2D g, int right, int top, boolean withValidation) {
    FontMetrics fm = g.getFontMetrics();
    int y = top - 15;
    int x = right - fm.stringWidth("training") - 20;
    if (withValidation) {
      x -= fm.stringWidth("validation") + 30;
      g.setColor(VALIDATION);
      int vx = right - fm.stringWidth("validation") - 20;
      g.fillRect(vx, y - 6, 14, 4);
      g.setColor(Color.BLACK);
      g.drawString("validation", vx + 18, y);
    }
    g.setColor(TRAIN);
    g.fillRect(x, y - 6, 14, 4);
    g.setColor(Color.BLACK);
    g.drawString("training", x + 18, y);
  }

  private static boolean hasFinite(double[] values) {
    for (double v : values) {
      if (Double.isFinite(v)) {
        return true;
      }
    }
    return false;
  }

  /** Maps epochs and values to pixels inside a panel's frame. */
  private record Axis(int left, int right, int top, int bottom, double lo, double hi, int epochs) {
    int x(int epoch) {
      int inset = 15;
      if (epochs == 1) {
        return (left + right) / 2;
      }
      return left
          + inset
          + (int) Math.round((right - left - 2.0 * inset) * (epoch - 1) / (epochs - 1));
    }

    int y(double v) {
      return bottom - (int) Math.round((bottom - top) * (v - lo) / (hi - lo));
    }
  }
}
