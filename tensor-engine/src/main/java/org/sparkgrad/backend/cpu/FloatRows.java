package org.sparkgrad.backend.cpu;

import java.util.logging.Logger;

/**
 * Row kernels that HotSpot's auto-vectoriser leaves scalar. Two of the convolution's backward pass:
 * adding a short row onto another (col2im's rows are as short as a convolution's output width, 11
 * floats for the small CNN's second layer, below the length at which C2's vector loop starts) and
 * the double-precision sum of a row (the bias gradient, a reduction that C2 does not vectorise at
 * all, since its order is fixed). And three of the 2x2 max pool, once its windows' elements are
 * laid out in four arrays: the values and the winners of a pool of ReLU's output (C2 does not
 * vectorise the float-to-bits moves the winners are found with), and the test that elements have
 * their sign bits clear, on which those two give the plain pool's results too.
 *
 * <p>With the JDK's incubating Vector API present ({@code --add-modules jdk.incubator.vector},
 * which Spark 4's launcher passes to every driver and executor JVM, as its own BLAS wrapper wants
 * it) {@code VectorFloatRows} runs them with 256-bit vectors; without it, this class's scalar loops
 * do. Both give the same bits (the pool's scalar forms are their specification; {@link
 * FloatPooling} runs its one-pass loop without vectors): the sum keeps 16 partial sums (element
 * {@code j} of each run of 16 into partial {@code j}), added pairwise at the end, in both forms.
 * {@code -Dsparkgrad.vectorApi=false} keeps the scalar loops.
 */
public class FloatRows {
  static final int PARTIALS = 16;

  /** The pool kernels' run of windows: one 256-bit vector of floats. */
  public static final int POOL_RUN = 8;

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
   * {@code dst[d + i] = src[s + i]} for {@code i < n}, bits kept, the two ranges apart (im2col's
   * rows: as short as a convolution's output width, where {@code System.arraycopy}'s set-up costs
   * as much as the copy).
   */
  public void copy(float[] src, int s, float[] dst, int d, int n) {
    System.arraycopy(src, s, dst, d, n);
  }

  /**
   * {@code sum(x[base .. base + n))} in double: element {@code base + 16 k + q} into partial {@code
   * q} for whole runs of 16, the rest into partial 0 in order, then the partials added pairwise
   * (halves folded onto each other: {@code s[q] += s[q + 8]}, then 4, 2 and 1 wide). Sixteen
   * running sums keep the adders busy where one waits on each add.
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
    // The pairwise folds, written out: 8 wide, then 4, 2, 1.
    return (((a0 + a8) + (a4 + a12)) + ((a2 + a10) + (a6 + a14)))
        + (((a1 + a9) + (a5 + a13)) + ((a3 + a11) + (a7 + a15)));
  }

  /**
   * The values of 2x2 windows of ReLU's output, from each window's four elements laid out in four
   * arrays ({@code a} top left, {@code b} top right, {@code c} bottom left, {@code d} bottom right;
   * window {@code k} at index {@code k}): {@code out[o + k] = max(a[k], b[k], c[k], d[k], +0)} in
   * {@code Math.max}'s terms. Whole runs of {@link #POOL_RUN} windows only, from the first, up to
   * the end or to the first run holding a NaN; returns how many windows it wrote (the caller's
   * general loop takes the rest, and NaN with it).
   */
  public int reluPoolValues(float[] a, float[] b, float[] c, float[] d, int n, float[] out, int o) {
    int k = 0;
    for (; k + POOL_RUN <= n; k += POOL_RUN) {
      for (int q = k; q < k + POOL_RUN; q++) {
        if (Float.isNaN(poolValue(a[q], b[q], c[q], d[q]))) {
          return k;
        }
      }
      for (int q = k; q < k + POOL_RUN; q++) {
        out[o + q] = poolValue(a[q], b[q], c[q], d[q]);
      }
    }
    return k;
  }

  /**
   * Whether no element of {@code v[0 .. n)} has its sign bit set (no negative value, no {@code -0},
   * no NaN with the sign bit): the elements on which the pool's kernels, written for ReLU's output,
   * give the plain pool's values and winners.
   */
  public boolean signsClear(float[] v, int n) {
    int bits = 0;
    for (int i = 0; i < n; i++) {
      bits |= Float.floatToRawIntBits(v[i]);
    }
    return bits >= 0;
  }

  private static float poolValue(float a, float b, float c, float d) {
    return Math.max(Math.max(Math.max(a, b), Math.max(c, d)), 0f);
  }

  /**
   * The winners of the windows of {@link #reluPoolValues} (the first {@code n}, what it returned:
   * whole runs, none holding a NaN): {@code argmax[o + k] = base[k]} plus 0, 1, {@code w} or {@code
   * w + 1}, the first largest of ReLU's values in the order a, b, c, d (ReLU's zeros tie, so a
   * window with no positive value takes {@code a}). The comparisons run on the values' bits with
   * negative ones clamped to 0, which orders ReLU's non-negative outputs as floats do and has no
   * branch to mispredict.
   */
  public void reluPoolIndices(
      float[] a, float[] b, float[] c, float[] d, int[] base, int n, int w, int[] argmax, int o) {
    checkRuns(n);
    for (int k = 0; k < n; k++) {
      int ka = reluKey(a[k]);
      int kb = reluKey(b[k]);
      int kc = reluKey(c[k]);
      int kd = reluKey(d[k]);
      int topRight = (ka - kb) >>> 31;
      int bottomRight = (kc - kd) >>> 31;
      int down = (Math.max(ka, kb) - Math.max(kc, kd)) >> 31;
      argmax[o + k] = base[k] + topRight + ((bottomRight - topRight + w) & down);
    }
  }

  static void checkRuns(int n) {
    if (n % POOL_RUN != 0) {
      throw new IllegalArgumentException(
          "windows must come in runs of " + POOL_RUN + " (what reluPoolValues wrote), got " + n);
    }
  }

  private static int reluKey(float v) {
    return Math.max(Float.floatToRawIntBits(v), 0);
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
