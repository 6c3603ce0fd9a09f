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
 * The base of epoch-driven learning-rate schedules, as PyTorch's {@code
 * torch.optim.lr_scheduler.LRScheduler}. The base learning rates are the groups' learning rates
 * when the scheduler is built; building it performs the first {@link #step()}, which sets {@link
 * #lastEpoch()} to 0 and each group's learning rate to the schedule's value at epoch 0. Call {@link
 * #step()} after {@link Optimizer#step()}, once per epoch (or per iteration, as the schedule is
 * meant):
 *
 * <pre>{@code
 * StepLR scheduler = new StepLR(optimizer, 30, 0.1);
 * for (int epoch = 0; epoch < 100; epoch++) {
 *   train(...);
 *   scheduler.step();
 * }
 * }</pre>
 *
 * <p>Every schedule here computes the learning rate from the epoch and the base learning rate (the
 * closed form PyTorch uses for {@code step(epoch)}). For plain stepping this equals PyTorch's
 * recursive form; unlike it, a learning rate set on the group by other code between steps is
 * overwritten by the next step rather than carried forward, and schedulers do not chain.
 */
public abstract class LRScheduler {
  private final Optimizer optimizer;
  private final double[] baseLrs;
  private final double[] lastLr;
  private int lastEpoch = -1;

  /** A schedule over {@code optimizer}'s groups; subclasses call {@link #initialStep()}. */
  protected LRScheduler(Optimizer optimizer) {
    if (optimizer == null) {
      throw new IllegalArgumentException("optimizer must not be null");
    }
    this.optimizer = optimizer;
    List<ParamGroup> groups = optimizer.paramGroups();
    this.baseLrs = new double[groups.size()];
    for (int i = 0; i < baseLrs.length; i++) {
      baseLrs[i] = groups.get(i).lr();
    }
    this.lastLr = baseLrs.clone();
  }

  /** Performs the step that construction performs in PyTorch; call it last in the constructor. */
  protected final void initialStep() {
    if (lastEpoch != -1) {
      throw new IllegalStateException("initialStep() was already called");
    }
    step();
  }

  /**
   * The learning rate at {@code epoch} (0 or more) for a group whose base rate is {@code baseLr}.
   */
  protected abstract double lrAt(int epoch, double baseLr);

  /** Advances one epoch and sets every group's learning rate to the schedule's value. */
  public void step() {
    lastEpoch++;
    List<ParamGroup> groups = optimizer.paramGroups();
    if (groups.size() != baseLrs.length) {
      throw new IllegalStateException(
          "the optimizer has "
              + groups.size()
              + " param groups, but the scheduler was built for "
              + baseLrs.length);
    }
    for (int i = 0; i < baseLrs.length; i++) {
      groups.get(i).setLr(lrAt(lastEpoch, baseLrs[i]));
      lastLr[i] = groups.get(i).lr();
    }
  }

  /** The learning rates this scheduler last set, one per param group. */
  public List<Double> getLastLr() {
    List<Double> out = new ArrayList<>(lastLr.length);
    for (double v : lastLr) {
      out.add(v);
    }
    return Collections.unmodifiableList(out);
  }

  /** The base learning rates, one per param group. */
  public List<Double> baseLrs() {
    List<Double> out = new ArrayList<>(baseLrs.length);
    for (double v : baseLrs) {
      out.add(v);
    }
    return Collections.unmodifiableList(out);
  }

  /** The number of the last epoch stepped (0 after construction). */
  public int lastEpoch() {
    return lastEpoch;
  }

  /** The optimizer this schedule drives. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /**
   * The scheduler's state as 0-d float64 tensors: {@code last_epoch}, {@code base_lrs.<g>} and
   * {@code last_lr.<g>}. The hyper-parameters are not included: resume by building the same
   * scheduler and loading this state into it (with the optimizer's own state dict).
   */
  public Map<String, Tensor> stateDict() {
    LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
    out.put("last_epoch", SchedulerState.scalar(lastEpoch));
    for (int i = 0; i < baseLrs.length; i++) {
      out.put("base_lrs." + i, SchedulerState.scalar(baseLrs[i]));
    }
    for (int i = 0; i < lastLr.length; i++) {
      out.put("last_lr." + i, SchedulerState.scalar(lastLr[i]));
    }
    return out;
  }

  /**
   * Restores a {@link #stateDict()}; the keys must be exactly those this scheduler writes. The
   * optimizer's learning rates are not changed (they are in the optimizer's state dict).
   */
  public void loadStateDict(Map<String, Tensor> state) {
    SchedulerState.checkKeys(getClass().getSimpleName(), state, stateDict().keySet());
    int epoch = SchedulerState.count(state, "last_epoch");
    double[] base = new double[baseLrs.length];
    double[] last = new double[lastLr.length];
    for (int i = 0; i < base.length; i++) {
      base[i] = SchedulerState.nonNegative(state, "base_lrs." + i);
      last[i] = SchedulerState.nonNegative(state, "last_lr." + i);
    }
    lastEpoch = epoch;
    System.arraycopy(base, 0, baseLrs, 0, base.length);
    System.arraycopy(last, 0, lastLr, 0, last.length);
  }
}
