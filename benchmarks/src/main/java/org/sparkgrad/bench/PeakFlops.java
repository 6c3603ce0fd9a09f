package org.sparkgrad.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures one core's practical float32 peak: independent chains of vector fused multiply-adds that
 * never touch memory, enough of them to cover the FMA latency on every pipe.
 */
final class PeakFlops {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private PeakFlops() {}

  /** GFLOP/s of the best of several timed runs (one FMA lane = 2 flops). */
  static double measure() {
    double best = 0;
    for (int rep = 0; rep < 12; rep++) {
      int iters = 20_000_000;
      long t0 = System.nanoTime();
      float sink = run(iters);
      double s = (System.nanoTime() - t0) / 1e9;
      if (sink == 42) {
        System.out.print("");
      }
      best = Math.max(best, 12.0 * iters * S.length() * 2 / s / 1e9);
    }
    return best;
  }

  /** The vector width in bits. */
  static int bits() {
    return S.vectorBitSize();
  }

  private static float run(int iters) {
    FloatVector b = FloatVector.broadcast(S, 0.999999f);
    FloatVector c = FloatVector.broadcast(S, 1e-7f);
    FloatVector a0 = FloatVector.broadcast(S, 1f);
    FloatVector a1 = FloatVector.broadcast(S, 1.1f);
    FloatVector a2 = FloatVector.broadcast(S, 1.2f);
    FloatVector a3 = FloatVector.broadcast(S, 1.3f);
    FloatVector a4 = FloatVector.broadcast(S, 1.4f);
    FloatVector a5 = FloatVector.broadcast(S, 1.5f);
    FloatVector a6 = FloatVector.broadcast(S, 1.6f);
    FloatVector a7 = FloatVector.broadcast(S, 1.7f);
    FloatVector a8 = FloatVector.broadcast(S, 1.8f);
    FloatVector a9 = FloatVector.broadcast(S, 1.9f);
    FloatVector a10 = FloatVector.broadcast(S, 2.0f);
    FloatVector a11 = FloatVector.broadcast(S, 2.1f);
    // An int counter: with a long one, C2 keeps a safepoint poll in the loop (~10% slower).
    for (int i = 0; i < iters; i++) {
      a0 = a0.fma(b, c);
      a1 = a1.fma(b, c);
      a2 = a2.fma(b, c);
      a3 = a3.fma(b, c);
      a4 = a4.fma(b, c);
      a5 = a5.fma(b, c);
      a6 = a6.fma(b, c);
      a7 = a7.fma(b, c);
      a8 = a8.fma(b, c);
      a9 = a9.fma(b, c);
      a10 = a10.fma(b, c);
      a11 = a11.fma(b, c);
    }
    return a0.add(a1)
        .add(a2)
        .add(a3)
        .add(a4)
        .add(a5)
        .add(a6)
        .add(a7)
        .add(a8)
        .add(a9)
        .add(a10)
        .add(a11)
        .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }
}
