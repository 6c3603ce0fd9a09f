package org.sparkgrad.optim.lr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.optim.ParamGroup;
import org.sparkgrad.tensor.Tensor;

/**
 * Reduces the learning rate when a metric has stopped improving, as PyTorch's {@code
 * ReduceLROnPlateau}. Call {@link #step(double)} with the metric (say, the validation loss) once
 * per epoch. Each call:
 *
 * <pre>
 * if metric is better than best:  best ← metric;  bad ← 0     else:  bad ← bad + 1
 * if cooldown_counter &gt; 0:        cooldown_counter ← cooldown_counter − 1;  bad ← 0
 * if bad &gt; patience:
 *     for each group:  new ← max(lr · factor, min_lr);  if lr − new &gt; eps:  lr ← new
 *     cooldown_counter ← cooldown;  bad ← 0
 * </pre>
 *
 * <p>"Better" is, for mode {@code min}: {@code metric < best · (1 − threshold)} (threshold mode
 * {@code rel}) or {@code metric < best − threshold} ({@code abs}); for mode {@code max}: {@code
 * metric > best · (1 + threshold)} or {@code metric > best + threshold}. The first best is +∞
 * ({@code min}) or −∞ ({@code max}).
 *
 * <p>Unlike the epoch schedules it reads and changes the groups' current learning rates, so it
 * combines with changes made elsewhere. It is not an {@link LRScheduler}, as in PyTorch 1.13.
 */
public final class ReduceLROnPlateau {
  private final Optimizer optimizer;
  private final boolean maximize;
  private final boolean absolute;
  private final double factor;
  private final int patience;
  private final double threshold;
  private final int cooldown;
  private final double[] minLrs;
  private final double eps;
  private final double[] lastLr;
  private int lastEpoch;
  private double best;
  private int numBadEpochs;
  private int cooldownCounter;

  /** With PyTorch's defaults (mode min, factor 0.1, patience 10, threshold 1e-4 rel). */
  public ReduceLROnPlateau(Optimizer optimizer) {
    this(optimizer, new Options());
  }

  /**
   * With {@code options}.
   *
   * @throws IllegalArgumentException if per-group minimum learning rates were given and their
   *     number differs from the optimizer's param groups
   */
  public ReduceLROnPlateau(Optimizer optimizer, Options options) {
    if (optimizer == null) {
      throw new IllegalArgumentException("optimizer must not be null");
    }
    this.optimizer = optimizer;
    int groups = optimizer.paramGroups().size();
    if (options.minLrs == null) {
      this.minLrs = new double[groups];
      java.util.Arrays.fill(minLrs, options.minLr);
    } else if (options.minLrs.length != groups) {
      throw new IllegalArgumentException(
          "expected " + groups + " minLrs (one per param group), got " + options.minLrs.length);
    } else {
      this.minLrs = options.minLrs.clone();
    }
    this.maximize = options.mode.equals("max");
    this.absolute = options.thresholdMode.equals("abs");
    this.factor = options.factor;
    this.patience = options.patience;
    this.threshold = options.threshold;
    this.cooldown = options.cooldown;
    this.eps = options.eps;
    this.best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    this.lastLr = new double[groups];
    for (int i = 0; i < groups; i++) {
      lastLr[i] = optimizer.paramGroups().get(i).lr();
    }
  }

  /** Records this epoch's {@code metric} and reduces the learning rates if it has plateaued. */
  public void step(double metric) {
    lastEpoch++;
    if (isBetter(metric)) {
      best = metric;
      numBadEpochs = 0;
    } else {
      numBadEpochs++;
    }
    if (cooldownCounter > 0) {
      cooldownCounter--;
      numBadEpochs = 0;
    }
    List<ParamGroup> groups = optimizer.paramGroups();
    if (numBadEpochs > patience) {
      for (int i = 0; i < groups.size(); i++) {
        double old = groups.get(i).lr();
        double reduced = Math.max(old * factor, minLrs[i]);
        if (old - reduced > eps) {
          groups.get(i).setLr(reduced);
        }
      }
      cooldownCounter = cooldown;
      numBadEpochs = 0;
    }
    for (int i = 0; i < lastLr.length; i++) {
      lastLr[i] = groups.get(i).lr();
    }
  }

  private boolean isBetter(double metric) {
    if (maximize) {
      return absolute ? metric > best + threshold : metric > best * (1 + threshold);
    }
    return absolute ? metric < best - threshold : metric < best * (1 - threshold);
  }

  /** The groups' learning rates after the last step (their rates at construction before one). */
  public List<Double> getLastLr() {
    List<Double> out = new ArrayList<>(lastLr.length);
    for (double v : lastLr) {
      out.add(v);
    }
    return Collections.unmodifiableList(out);
  }

  /** The number of steps taken. */
  public int lastEpoch() {
    return lastEpoch;
  }

  /** The best metric so far (±∞ before the first step). */
  public double best() {
    return best;
  }

  /** Consecutive epochs without improvement, counted since the last reduction or cooldown. */
  public int numBadEpochs() {
    return numBadEpochs;
  }

  /**
   * The state as 0-d float64 tensors: {@code last_epoch}, {@code best}, {@code num_bad_epochs},
   * {@code cooldown_counter} and {@code last_lr.<g>}. The hyper-parameters are not included: resume
   * by building the same scheduler and loading this state into it.
   */
  public Map<String, Tensor> stateDict() {
    LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
    out.put("last_epoch", SchedulerState.scalar(lastEpoch));
    out.put("best", SchedulerState.scalar(best));
    out.put("num_bad_epochs", SchedulerState.scalar(numBadEpochs));
    out.put("cooldown_counter", SchedulerState.scalar(cooldownCounter));
    for (int i = 0; i < lastLr.length; i++) {
      out.put("last_lr." + i, SchedulerState.scalar(lastLr[i]));
    }
    return out;
  }

  /** Restores a {@link #stateDict()}; the keys must be exactly those this scheduler writes. */
  public void loadStateDict(Map<String, Tensor> state) {
    SchedulerState.checkKeys("ReduceLROnPlateau", state, stateDict().keySet());
    int epoch = SchedulerState.count(state, "last_epoch");
    double bestValue = SchedulerState.value(state, "best");
    if (Double.isNaN(bestValue)) {
      throw new IllegalArgumentException("'best' must be a number, got NaN");
    }
    int bad = SchedulerState.count(state, "num_bad_epochs");
    int counter = SchedulerState.count(state, "cooldown_counter");
    double[] last = new double[lastLr.length];
    for (int i = 0; i < last.length; i++) {
      last[i] = SchedulerState.nonNegative(state, "last_lr." + i);
    }
    lastEpoch = epoch;
    best = bestValue;
    numBadEpochs = bad;
    cooldownCounter = counter;
    System.arraycopy(last, 0, lastLr, 0, last.length);
  }

  /** ReduceLROnPlateau's hyper-parameters, each checked when set. */
  public static final class Options {
    private String mode = "min";
    private double factor = 0.1;
    private int patience = 10;
    private double threshold = 1e-4;
    private String thresholdMode = "rel";
    private int cooldown;
    private double minLr;
    private double[] minLrs;
    private double eps = 1e-8;

    /** {@code "min"} (reduce when the metric stops decreasing) or {@code "max"}. */
    public Options mode(String mode) {
      if (!"min".equals(mode) && !"max".equals(mode)) {
        throw new IllegalArgumentException("mode must be 'min' or 'max', got '" + mode + "'");
      }
      this.mode = mode;
      return this;
    }

    /** The factor that multiplies the learning rate, in {@code [0, 1)}. */
    public Options factor(double factor) {
      if (!(factor >= 0 && factor < 1)) {
        throw new IllegalArgumentException("factor must be in [0, 1), got " + factor);
      }
      this.factor = factor;
      return this;
    }

    /** The number of epochs without improvement to tolerate before reducing. */
    public Options patience(int patience) {
      if (patience < 0) {
        throw new IllegalArgumentException("patience must be >= 0, got " + patience);
      }
      this.patience = patience;
      return this;
    }

    /** How much better a metric must be to count as an improvement. */
    public Options threshold(double threshold) {
      if (!(threshold >= 0)) {
        throw new IllegalArgumentException("threshold must be >= 0, got " + threshold);
      }
      this.threshold = threshold;
      return this;
    }

    /** {@code "rel"} (threshold relative to the best) or {@code "abs"}. */
    public Options thresholdMode(String thresholdMode) {
      if (!"rel".equals(thresholdMode) && !"abs".equals(thresholdMode)) {
        throw new IllegalArgumentException(
            "thresholdMode must be 'rel' or 'abs', got '" + thresholdMode + "'");
      }
      this.thresholdMode = thresholdMode;
      return this;
    }

    /** The number of epochs after a reduction during which bad epochs are not counted. */
    public Options cooldown(int cooldown) {
      if (cooldown < 0) {
        throw new IllegalArgumentException("cooldown must be >= 0, got " + cooldown);
      }
      this.cooldown = cooldown;
      return this;
    }

    /** The lower bound of every group's learning rate. */
    public Options minLr(double minLr) {
      checkMinLr("minLr", minLr);
      this.minLr = minLr;
      this.minLrs = null;
      return this;
    }

    /** One lower bound per param group. */
    public Options minLrs(double... minLrs) {
      for (int i = 0; i < minLrs.length; i++) {
        checkMinLr("minLrs[" + i + "]", minLrs[i]);
      }
      this.minLrs = minLrs.clone();
      return this;
    }

    /** The smallest reduction worth making; smaller ones are skipped. */
    public Options eps(double eps) {
      if (!(eps >= 0)) {
        throw new IllegalArgumentException("eps must be >= 0, got " + eps);
      }
      this.eps = eps;
      return this;
    }

    private static void checkMinLr(String what, double v) {
      if (!(v >= 0)) {
        throw new IllegalArgumentException(what + " must be >= 0, got " + v);
      }
    }
  }
}
