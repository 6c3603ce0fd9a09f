package org.sparkgrad.tensor;

/**
 * A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64), as PyTorch's {@code
 * torch.Generator}. Every random factory and initialiser takes one explicitly ({@code
 * Tensor.randn(gen, 3, 4)}, {@code new Linear(50, 30, gen)}), so its results depend on that seed
 * alone; the forms without one ({@code Tensor.randn(3, 4)}, {@code new Linear(50, 30)}) draw from
 * the {@linkplain #defaultGenerator() default generator}, as PyTorch's do.
 *
 * <p><b>The default generator</b> is PyTorch's {@code torch.default_generator}: one per JVM (per
 * class loader), shared by every thread, seeded with {@link #DEFAULT_SEED} when the class loads (so
 * a program that never seeds it still draws the same numbers each run, as in PyTorch), and
 * re-seeded by {@code Tensor.manualSeed(seed)}, the counterpart of {@code torch.manual_seed(seed)}.
 * It feeds {@code Tensor.rand}/{@code randn} without a generator, the initialisation of {@code
 * Linear}, {@code Conv2d} and {@code Embedding} built without one, the masks of {@code Dropout} and
 * {@code F.dropout} without one, and the shuffling seed of a {@code DataLoader} made with {@code
 * new}. After {@code Tensor.manualSeed(s)}, the same sequence of those calls on one thread gives
 * the same tensors and layers. The estimators' own randomness does not use it: they key it by their
 * seed param.
 *
 * <p><b>Threads.</b> Each tensor, layer parameter or permutation is drawn while holding the
 * generator's monitor, and {@link #manualSeed}, {@link #getState} and {@link #setState} are
 * synchronized, so concurrent use of the default generator never corrupts it. Which thread draws
 * first is up to the scheduler, though, so draws from several threads are not reproducible: give
 * each thread its own {@code Generator}, or hold {@code synchronized
 * (Generator.defaultGenerator())} around a sequence of draws that must stay together. The single
 * draws ({@link #nextLong}, {@link #nextDouble}, {@link #nextGaussian}) do not lock: callers that
 * share a generator hold its monitor around them. The state can be read and restored for
 * checkpoints.
 */
public final class Generator {
  /**
   * The seed of the default generator until {@code Tensor.manualSeed} is called: PyTorch's default
   * seed, {@code 67280421310721} (the numbers differ from PyTorch's; the generator is another).
   */
  public static final long DEFAULT_SEED = 67280421310721L;

  private static final Generator DEFAULT = new Generator(DEFAULT_SEED);

  private final long[] s = new long[4];
  private double spareNormal;
  private boolean hasSpare;
  private long initialSeed;

  /** A generator seeded with {@code seed}. */
  public Generator(long seed) {
    manualSeed(seed);
  }

  /**
   * The JVM-wide default generator, as {@code torch.default_generator}; see the class comment for
   * what draws from it and how threads share it.
   */
  public static Generator defaultGenerator() {
    return DEFAULT;
  }

  /** Re-seeds, as {@code torch.Generator.manual_seed}. Returns this. */
  public synchronized Generator manualSeed(long seed) {
    initialSeed = seed;
    long x = seed;
    for (int i = 0; i < 4; i++) {
      x += 0x9E3779B97F4A7C15L;
      s[i] = mix(x);
    }
    hasSpare = false;
    return this;
  }

  /** The seed last given to {@link #manualSeed} or the constructor, as {@code initial_seed()}. */
  public synchronized long initialSeed() {
    return initialSeed;
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
  public synchronized long[] getState() {
    return new long[] {
      s[0], s[1], s[2], s[3], hasSpare ? 1 : 0, Double.doubleToRawLongBits(spareNormal)
    };
  }

  /** Restores a state from {@link #getState()}. */
  public synchronized void setState(long[] state) {
    if (state.length != 6) {
      throw new IllegalArgumentException("generator state has 6 words, got " + state.length);
    }
    System.arraycopy(state, 0, s, 0, 4);
    hasSpare = state[4] != 0;
    spareNormal = Double.longBitsToDouble(state[5]);
  }
}
