package org.sparkgrad.backend.cpu;

import java.util.logging.Logger;

/**
 * Two row kernels of the convolution's backward pass that HotSpot's auto-vectoriser leaves scalar:
 * adding a short row onto another (col2im's rows are as short as a convolution's output width, 11
 * floats for the small CNN's second layer, below the length at which C2's vector loop starts) and
 * the double-precision sum of a row (the bias gradient, a reduction that C2 does not vectorise at
 * all, since its order is fixed).
 *
 * <p>With the JDK's incubating Vector API present ({@code --add-modules jdk.incubator.vector},
 * which Spark 4's launcher passes to every driver and executor JVM, as its own BLAS wrapper wants
 * it) {@code VectorFloatRows} runs them with 256-bit vectors; without it, this class's scalar loops
 * do. Both give the same bits: the sum keeps 16 partial sums (element {@code j} of each run of 16
 * into partial {@code j}), added pairwise at the end, in both forms. {@code
 * -Dsparkgrad.vectorApi=false} keeps the scalar loops.
 */
public class FloatRows {
  static final int PARTIALS = 16;
  private static final FloatRows INSTANCE = choose();

  FloatRows() {}

  /** The kernels this JVM runs: vectorised where the Vector API is present. */
  public static FloatRows get() {
    return INSTANCE;
  }

  /** Whether the vectorised kernels run in this JVM. */
  public static boolean vectorised() {
    return INSTANCE.getClass() != FloatRows.class;
  }

  /** {@code dst[d + i] += src[s + i]} for {@code i < n}. */
  public void addInto(float[] dst, int d, float[] src, int s, int n) {
    for (int i = 0; i < n; i++) {
      dst[d + i] += src[s + i];
    }
  }

  /**
   * {@code sum(x[base .. base + n))} in double: element {@code base + 16 k + q} into partial {@code
   * q} for whole runs of 16, the rest into partial 0 in order, then the partials added pairwise
   * ({@link #combine}). Sixteen running sums keep the adders busy where one waits on each add.
   */
  public double sum(float[] x, int base, int n) {
    // Sixteen locals, not an array: C2 keeps them in registers (an array's sums went to memory).
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    double a3 = 0;
    double a4 = 0;
    double a5 = 0;
    double a6 = 0;
    double a7 = 0;
    double a8 = 0;
    double a9 = 0;
    double a10 = 0;
    double a11 = 0;
    double a12 = 0;
    double a13 = 0;
    double a14 = 0;
    double a15 = 0;
    int j = base;
    int end = base + n;
    for (; j + PARTIALS <= end; j += PARTIALS) {
      a0 += x[j];
      a1 += x[j + 1];
      a2 += x[j + 2];
      a3 += x[j + 3];
      a4 += x[j + 4];
      a5 += x[j + 5];
      a6 += x[j + 6];
      a7 += x[j + 7];
      a8 += x[j + 8];
      a9 += x[j + 9];
      a10 += x[j + 10];
      a11 += x[j + 11];
      a12 += x[j + 12];
      a13 += x[j + 13];
      a14 += x[j + 14];
      a15 += x[j + 15];
    }
    for (; j < end; j++) {
      a0 += x[j];
    }
    // combine's folds, written out: 8 wide, then 4, 2, 1.
    return (((a0 + a8) + (a4 + a12)) + ((a2 + a10) + (a6 + a14)))
        + (((a1 + a9) + (a5 + a13)) + ((a3 + a11) + (a7 + a15)));
  }

  /** {@code s[0] + ... + s[15]} pairwise: halves folded onto each other, 8, 4, 2, 1 wide. */
  static double combine(double[] s) {
    for (int width = PARTIALS / 2; width >= 1; width /= 2) {
      for (int q = 0; q < width; q++) {
        s[q] += s[q + width];
      }
    }
    return s[0];
  }

  private static FloatRows choose() {
    if ("false".equalsIgnoreCase(System.getProperty("sparkgrad.vectorApi"))
        || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return new FloatRows();
    }
    try {
      return Class.forName("org.sparkgrad.backend.cpu.VectorFloatRows")
          .asSubclass(FloatRows.class)
          .getDeclaredConstructor()
          .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      Logger.getLogger(FloatRows.class.getName())
          .warning("sparkgrad: the Vector API kernels did not load (" + e + "); scalar loops run");
      return new FloatRows();
    }
  }
}
