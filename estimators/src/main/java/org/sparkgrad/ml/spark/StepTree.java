package org.sparkgrad.ml.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape of the step channel's reduction tree ({@link StepRelay}): a binary tree over the
 * partitions laid out as a heap by partition index, partition 0 at the root, the children of {@code
 * p} being {@code 2p+1} and {@code 2p+2}. The shape depends on the partition count only, never on
 * which executor runs which task, so the order of the summation is fixed by the partition count.
 *
 * <p>The order: partition {@code p} sends up {@code S(p) = g(p) + S(2p+1) + S(2p+2)}, summed in
 * double precision from left to right (its own float32 gradient widened, then each child's double
 * sum), so the root's sum adds the partitions' gradients in the tree's pre-order ({@link
 * #preOrder}) with the brackets of the tree. It is not bitwise the star's partition-order sum (a
 * different order of double additions), but differs from it only by double rounding, which the
 * float32 rounding of the summed gradient hides but in the rare tie. The root's double sum reaches
 * the trainer as two float32 parts ({@code StepResult.ofSum}) whose double sum is it to 48 bits.
 *
 * <p>The driver receives one sum (double precision, 8 bytes a parameter) and sends one command,
 * whatever the partition count: its bytes per step are flat in the number of executors, where the
 * star's grow with it ({@code 4 bytes x parameters x partitions} each way). Each link carries one
 * command down and one sum up, and a step crosses {@link #depth} levels each way.
 */
final class StepTree {
  private StepTree() {}

  /** The parent of partition {@code p} (> 0). */
  static int parent(int p) {
    if (p <= 0) {
      throw new IllegalArgumentException("partition " + p + " is the root or not a partition");
    }
    return (p - 1) / 2;
  }

  /** The children of {@code p} among {@code partitions} partitions, left first (0 to 2). */
  static int[] children(int p, int partitions) {
    int left = 2 * p + 1;
    if (left >= partitions) {
      return new int[0];
    }
    return left + 1 < partitions ? new int[] {left, left + 1} : new int[] {left};
  }

  /** The levels below the root: 0 for one partition, 1 for 2-3, 2 for 4-7, and so on. */
  static int depth(int partitions) {
    return 31 - Integer.numberOfLeadingZeros(Math.max(1, partitions));
  }

  /** The partitions in the order the tree adds their gradients: pre-order, left child first. */
  static List<Integer> preOrder(int partitions) {
    List<Integer> out = new ArrayList<>(partitions);
    visit(0, partitions, out);
    return out;
  }

  private static void visit(int p, int partitions, List<Integer> out) {
    if (p >= partitions) {
      return;
    }
    out.add(p);
    for (int c : children(p, partitions)) {
      visit(c, partitions, out);
    }
  }

  /**
   * {@code S(p)}: what partition {@code p} sends up, computed here from every partition's float32
   * gradient (null where a partition had no rows) as the tree computes it; null if no partition of
   * the subtree had rows. For tests and for the order's documentation.
   */
  static double[] subtreeSum(int p, float[][] grads) {
    double[] acc = null;
    if (grads[p] != null) {
      acc = new double[grads[p].length];
      for (int i = 0; i < acc.length; i++) {
        acc[i] = grads[p][i];
      }
    }
    for (int c : children(p, grads.length)) {
      acc = add(acc, subtreeSum(c, grads));
    }
    return acc;
  }

  /** {@code acc + child} elementwise, into {@code acc} (either may be null: no rows). */
  static double[] add(double[] acc, double[] child) {
    if (child == null) {
      return acc;
    }
    if (acc == null) {
      return child.clone();
    }
    if (acc.length != child.length) {
      throw new IllegalStateException(
          "step channel: a subtree's gradient of "
              + child.length
              + " values, expected "
              + acc.length);
    }
    for (int i = 0; i < acc.length; i++) {
      acc[i] += child[i];
    }
    return acc;
  }
}
