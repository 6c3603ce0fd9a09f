package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.ml.data.PartitionData;

/**
 * A step of a network with batch norm where the partitions cannot talk to each other mid-step (one
 * Spark job per step, or partitions computed one after another in this JVM): the step is replayed,
 * one round of batch statistics at a time ({@link StepReducer}).
 *
 * <p>A pass runs every partition's step with the sums of the rounds known so far: the partition's
 * reducer answers a known round with its sum, and at the first unknown round it keeps its partial
 * (its rows' values for that round) and abandons the step. The driver then sums, in partition order
 * and in double, the partials of the earliest round any partition stopped at (a partition that
 * stopped at a later round has no rows in that round's micro-batch, so it contributes nothing) and
 * runs the next pass. Once every partition gets through its step, that last pass's results are the
 * step's. A network with {@code K} batch-norm layers makes {@code 2K} rounds in the forward pass
 * and {@code 2K} in the backward pass of each micro-batch, so a step costs {@code 4K + 1} passes
 * (with the jobs transport, {@code 4K + 1} Spark jobs) instead of one; the step channel sums the
 * rounds within its one pass.
 */
public final class ReplayedStep {
  private ReplayedStep() {}

  /** One partition's outcome of a pass: its result, or the partial of the round it stopped at. */
  public static final class Outcome implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long round;
    private final float[] partial;
    private final StepResult result;

    private Outcome(long round, float[] partial, StepResult result) {
      this.round = round;
      this.partial = partial;
      this.result = result;
    }
  }

  /** A pass over every partition with the sums known so far, the outcomes in partition order. */
  @FunctionalInterface
  public interface Pass {
    List<Outcome> run(Map<Long, float[]> known);
  }

  /** The step's sums: passes of {@code pass} until every partition gets through its step. */
  public static StepResult run(Pass pass) {
    Map<Long, float[]> known = new HashMap<>();
    while (true) {
      List<Outcome> outcomes = pass.run(Map.copyOf(known));
      long min = Long.MAX_VALUE;
      for (Outcome o : outcomes) {
        if (o.result == null) {
          min = Math.min(min, o.round);
        }
      }
      if (min == Long.MAX_VALUE) {
        StepResult acc = new StepResult();
        for (Outcome o : outcomes) {
          acc.merge(o.result);
        }
        return acc;
      }
      if (known.containsKey(min)) {
        throw new IllegalStateException(
            "batch statistics: round " + StepReducer.describe(min) + " asked for again");
      }
      known.put(min, sum(outcomes, min));
    }
  }

  private static float[] sum(List<Outcome> outcomes, long round) {
    List<float[]> partials = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o.result == null && o.round == round) {
        partials.add(o.partial);
      }
    }
    return StepReducer.sumInOrder(round, partials);
  }

  /**
   * Partition {@code data}'s outcome of a pass of minibatch {@code s} of epoch {@code epoch} with
   * the sums {@code known}.
   */
  @SuppressWarnings("TooManyParameters") // a step's inputs and the pass's sums
  public static Outcome partition(
      GradientStep step,
      PartitionData data,
      float[] weights,
      float[] buffers,
      int epoch,
      int s,
      Map<Long, float[]> known) {
    StepReducer reducer =
        (round, local) -> {
          float[] sum = known.get(round);
          if (sum == null) {
            throw new RoundNeeded(round, local.clone());
          }
          if (sum.length != local.length) {
            throw new IllegalStateException(
                "batch statistics: round "
                    + StepReducer.describe(round)
                    + " has "
                    + local.length
                    + " values here and "
                    + sum.length
                    + " in its sum");
          }
          return sum.clone();
        };
    try {
      return new Outcome(-1, null, step.train(data, weights, buffers, epoch, s, reducer));
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof RoundNeeded n) {
          return new Outcome(n.round, n.partial, null);
        }
      }
      throw e;
    }
  }

  /** Abandons a pass's step at the first round whose sum is not known yet. */
  private static final class RoundNeeded extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long round;
    private final float[] partial;

    RoundNeeded(long round, float[] partial) {
      super("round " + StepReducer.describe(round) + " not known yet", null, false, false);
      this.round = round;
      this.partial = partial;
    }
  }
}
