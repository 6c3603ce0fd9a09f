package org.sparkgrad.tensor;

/**
 * A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64), as PyTorch's {@code
 * torch.Generator}: every random factory and initialiser takes one explicitly, so results depend on
 * the seed alone, never on a hidden global.
 *
 * <p>Not thread-safe: give each thread its own. The state can be read and restored for checkpoints.
 */
public final class Generator {
  private final long[] s = new long[4];
  private double spareNormal;
  private boolean hasSpare;

  /** A generator seeded with {@code seed}. */
  public Generator(long seed) {
    manualSeed(seed);
  }

  /** Re-seeds, as {@code torch.Generator.manual_seed}. */
  public Generator manualSeed(long seed) {
    long x = seed;
    for (int i = 0; i < 4; i++) {
      x += 0x9E3779B97F4A7C15L;
      s[i] = mix(x);
    }
    hasSpare = false;
    return this;
  }

  /** The SplitMix64 finaliser: a bijective hash of 64 bits, also used to key randomness. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** 64 uniformly random bits. */
  public long nextLong() {
    long result = Long.rotateLeft(s[1] * 5, 7) * 9;
    long t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = Long.rotateLeft(s[3], 45);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform on [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be > 0, got " + bound);
    }
    // Lemire's method without the rejection step's bias: reject the short tail.
    long threshold = (-bound & 0xFFFFFFFFL) % bound;
    while (true) {
      long r = nextLong() >>> 32;
      long m = r * bound;
      if ((m & 0xFFFFFFFFL) >= threshold) {
        return (int) (m >>> 32);
      }
    }
  }

  /** Standard normal, by the Box-Muller transform. */
  public double nextGaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spareNormal;
    }
    double u1;
    do {
      u1 = nextDouble();
    } while (u1 == 0);
    double u2 = nextDouble();
    double r = Math.sqrt(-2 * Math.log(u1));
    spareNormal = r * Math.sin(2 * Math.PI * u2);
    hasSpare = true;
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** A random permutation of {@code 0..n-1} (Fisher-Yates). */
  public int[] permutation(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The full state, for checkpoints. */
  public long[] getState() {
    return new long[] {
      s[0], s[1], s[2], s[3], hasSpare ? 1 : 0, Double.doubleToRawLongBits(spareNormal)
    };
  }

  /** Restores a state from {@link #getState()}. */
  public void setState(long[] state) {
    if (state.length != 6) {
      throw new IllegalArgumentException("generator state has 6 words, got " + state.length);
    }
    System.arraycopy(state, 0, s, 0, 4);
    hasSpare = state[4] != 0;
    spareNormal = Double.longBitsToDouble(state[5]);
  }
}
