package org.sparkgrad.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Test accuracy against wall-clock seconds for one system of the race, and the samples per second
 * it trained at. Points are added in time order.
 */
final class Curve {
  /** One measurement: {@code seconds} since the system started, its test {@code accuracy}. */
  record Point(double seconds, double accuracy, String label) {}

  private final String system;
  private final List<Point> points = new ArrayList<>();
  private double samplesPerSecond = Double.NaN;
  private String note = "";

  Curve(String system) {
    this.system = system;
  }

  String system() {
    return system;
  }

  void add(double seconds, double accuracy, String label) {
    points.add(new Point(seconds, accuracy, label));
  }

  List<Point> points() {
    return points;
  }

  void samplesPerSecond(double v) {
    samplesPerSecond = v;
  }

  double samplesPerSecond() {
    return samplesPerSecond;
  }

  void note(String v) {
    note = v;
  }

  String note() {
    return note;
  }

  /** The first time at which the accuracy reached {@code target}, or NaN if it never did. */
  double timeTo(double target) {
    for (Point p : points) {
      if (p.accuracy() >= target) {
        return p.seconds();
      }
    }
    return Double.NaN;
  }

  double bestAccuracy() {
    return points.stream().mapToDouble(Point::accuracy).max().orElse(Double.NaN);
  }

  /** The curve, one point a line. */
  String describe() {
    StringBuilder sb = new StringBuilder(system).append(":\n");
    for (Point p : points) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-16s %9.1f s  test accuracy %.4f%n",
              p.label(),
              p.seconds(),
              p.accuracy()));
    }
    return sb.toString();
  }
}
