package org.sparkgrad.examples;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.knowm.xchart.XYChart;
import org.sparkgrad.ml.train.EpochStats;
import org.sparkgrad.ml.train.TrainingListener;
import org.sparkgrad.ml.train.TrainingSummary;

/**
 * A {@link TrainingListener} that redraws the learning curves after every epoch and hands the
 * picture to a notebook's display function, so the plot grows while the fit runs.
 *
 * <p>In a Jupyter notebook with a Java kernel (IJava), which has {@code display} and {@code
 * updateDisplay}:
 *
 * <pre>{@code
 * String cell = display("training ...");
 * classifier.setTrainingListener(new LiveCurves(image -> updateDisplay(cell, image)));
 * var model = classifier.fit(train);
 * }</pre>
 *
 * <p>The picture is the one {@code TrainJob} saves ({@link CurvePlot}): the loss on the left and
 * the metric on the right, training in blue and validation in orange, {@link CurvePlot#WIDTH} by
 * {@link CurvePlot#HEIGHT} pixels. It is drawn on the fitting thread, which XChart does in a few
 * milliseconds; a display function that blocks slows the fit by as much.
 */
public final class LiveCurves implements TrainingListener {
  private final Consumer<BufferedImage> show;
  private final List<EpochStats> epochs = new ArrayList<>();

  /** A listener that passes each epoch's new picture to {@code show}. */
  public LiveCurves(Consumer<BufferedImage> show) {
    if (show == null) {
      throw new IllegalArgumentException("show must not be null (a notebook's display function)");
    }
    this.show = show;
  }

  @Override
  public void onEpochEnd(EpochStats stats) {
    if (!epochs.isEmpty() && stats.epoch() <= epochs.get(epochs.size() - 1).epoch()) {
      epochs.clear(); // a second fit with the same listener starts a new plot
    }
    epochs.add(stats);
    show.accept(image());
  }

  /** The epochs seen so far in the current fit. */
  public List<EpochStats> epochs() {
    return List.copyOf(epochs);
  }

  /** The curves of the epochs seen so far; an empty white picture before the first. */
  public BufferedImage image() {
    BufferedImage img =
        new BufferedImage(CurvePlot.WIDTH, CurvePlot.HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(java.awt.Color.WHITE);
      g.fillRect(0, 0, CurvePlot.WIDTH, CurvePlot.HEIGHT);
      if (!epochs.isEmpty()) {
        TrainingSummary s = new TrainingSummary(epochs, false, epochs.size());
        List<XYChart> charts = CurvePlot.charts(s, epochs.get(0).metricName());
        int w = CurvePlot.WIDTH / charts.size();
        for (int i = 0; i < charts.size(); i++) {
          Graphics2D cell = (Graphics2D) g.create(i * w, 0, w, CurvePlot.HEIGHT);
          try {
            charts.get(i).paint(cell, w, CurvePlot.HEIGHT);
          } finally {
            cell.dispose();
          }
        }
      }
    } finally {
      g.dispose();
    }
    return img;
  }
}
