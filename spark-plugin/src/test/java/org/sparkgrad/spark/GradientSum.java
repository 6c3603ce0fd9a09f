package org.sparkgrad.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A partition's contribution to one step, as a trainer ships it: shipped by the Kryo tests and
 * registered through {@link TestWireClasses}, as the estimators module registers its own classes.
 *
 * <p>Kryo carries task results, shuffles and broadcasts, but Spark serializes closures, and with
 * them {@code treeAggregate}'s zero value, with Java serialization; hence {@code Serializable}.
 */
final class GradientSum implements Serializable {
  private static final long serialVersionUID = 1L;

  final double[] sums;
  final long count;

  GradientSum(double[] sums, long count) {
    this.sums = sums;
    this.count = count;
  }

  GradientSum plus(GradientSum o) {
    double[] s = sums.clone();
    for (int i = 0; i < s.length; i++) {
      s[i] += o.sums[i];
    }
    return new GradientSum(s, count + o.count);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GradientSum g && g.count == count && Arrays.equals(g.sums, sums);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sums) * 31 + Long.hashCode(count);
  }

  @Override
  public String toString() {
    return "GradientSum(" + Arrays.toString(sums) + ", " + count + ")";
  }
}
