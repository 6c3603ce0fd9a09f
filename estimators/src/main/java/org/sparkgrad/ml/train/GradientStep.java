package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.sparkgrad.ml.data.DataBlock;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.nn.parallel.ReplicaSync;
import org.sparkgrad.tensor.Autocast;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.DeviceScope;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Precision;
import org.sparkgrad.tensor.Tensor;

/**
 * The work of one partition in one step, with no Spark in it: select the partition's rows of the
 * global minibatch, run forward and backward on them with the loss summed (not averaged) over rows,
 * and return the sums. Summing per partition and dividing once on the driver gives exactly the
 * gradient of the mean loss over the whole minibatch, whatever the partitioning.
 *
 * <p>Minibatch {@code s} of an epoch is the rows whose position in that epoch's order is in {@code
 * [s*B, (s+1)*B)}; the order is {@link org.sparkgrad.ml.data.EpochPermutation} of the global row
 * ids, or the row ids themselves without shuffling.
 */
public final class GradientStep implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int EVAL_CHUNK = 4096;

  private final NetworkSpec spec;
  private final Objective objective;
  private final long seed;
  private final long trainRows;
  private final int batchSize;
  private final boolean shuffle;
  private final String device;
  private DeviceResolver devices = DeviceResolver.PLAIN;
  private final int accumulation;
  private Precision precision = Precision.FLOAT32;
  private transient volatile StepMemory memory;

  /**
   * The step of a fit.
   *
   * @param trainRows the global number of training rows
   * @param device {@code auto}, {@code cpu} or {@code gpu}, resolved where the step runs
   */
  public GradientStep(
      NetworkSpec spec,
      Objective objective,
      long seed,
      long trainRows,
      int batchSize,
      boolean shuffle,
      String device) {
    this(spec, objective, seed, trainRows, batchSize, shuffle, device, 1);
  }

  /**
   * The step of a fit with gradient accumulation: optimizer step {@code s} covers the rows at
   * positions {@code [s*B*k, (s+1)*B*k)} of the epoch order ({@code B = batchSize}, {@code k =
   * gradAccumulationSteps}), and each partition runs forward and backward on them micro-batch by
   * micro-batch ({@code B} positions at a time), accumulating the gradient sums in place. The
   * result is the gradient of a {@code B*k} minibatch, up to float summation order, with the
   * activations of only {@code B} rows in memory at a time.
   *
   * @param gradAccumulationSteps micro-batches per optimizer step, {@code >= 1}
   */
  @SuppressWarnings("TooManyParameters") // the fit's row-selection settings, each needed here
  public GradientStep(
      NetworkSpec spec,
      Objective objective,
      long seed,
      long trainRows,
      int batchSize,
      boolean shuffle,
      String device,
      int gradAccumulationSteps) {
    if (gradAccumulationSteps < 1) {
      throw new IllegalArgumentException(
          "gradAccumulationSteps must be >= 1, got " + gradAccumulationSteps);
    }
    this.accumulation = gradAccumulationSteps;
    this.spec = spec;
    this.objective = objective;
    this.seed = seed;
    this.trainRows = trainRows;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.device = device;
  }

  /**
   * This step with its forward passes (training and validation) in an {@link Autocast} region of
   * {@code precision} (the estimators' {@code precision} param); float32 by default.
   *
   * @return a copy; this step is unchanged
   */
  public GradientStep withPrecision(Precision precision) {
    GradientStep s =
        new GradientStep(
            spec, objective, seed, trainRows, batchSize, shuffle, device, accumulation);
    s.precision = java.util.Objects.requireNonNull(precision, "precision");
    s.devices = devices;
    return s;
  }

  /**
   * This step with its {@code device} param resolved by {@code resolver} where it runs (the Spark
   * adapters read what Spark assigned the task); {@link DeviceResolver#PLAIN} by default.
   *
   * @return a copy; this step is unchanged
   */
  public GradientStep withDevices(DeviceResolver resolver) {
    GradientStep s = withPrecision(precision);
    s.devices = java.util.Objects.requireNonNull(resolver, "resolver");
    return s;
  }

  /** The sums of this partition's share of minibatch {@code step} of epoch {@code epoch}. */
  public StepResult train(PartitionData data, float[] weights, int epoch, int step) {
    return train(data, weights, null, epoch, step, null);
  }

  /**
   * The sums of this partition's share of minibatch {@code step} of epoch {@code epoch}, from the
   * driver's {@code weights} and {@code buffers} (null: leave the replica's buffers as they are),
   * batch norm's statistics summed across partitions by {@code reducer} ({@link #batchStatistics};
   * null: this partition's own rows' statistics). The result carries the buffers after the step.
   */
  public StepResult train(
      PartitionData data,
      float[] weights,
      float[] buffers,
      int epoch,
      int step,
      StepReducer reducer) {
    StepResult sums = trainInPlace(data, weights, buffers, epoch, step, reducer);
    if (sums.count() == 0) {
      return new StepResult();
    }
    Replica replica = replica();
    return StepResult.ofPartition(
            replica.flatGradFloat(),
            sums.lossSum(),
            sums.weightSum(),
            sums.metricSum(),
            sums.count())
        .withBuffers(sums.buffers());
  }

  /**
   * As {@link #train}, but the gradient stays in this thread's replica ({@link #replica}), where it
   * is valid until the thread's next step: the result carries the sums and the buffers and no
   * gradient, and a count of 0 means the partition had no rows in the minibatch.
   */
  public StepResult trainInPlace(
      PartitionData data,
      float[] weights,
      float[] buffers,
      int epoch,
      int step,
      StepReducer reducer) {
    if (data.trainRows() == 0) {
      return new StepResult();
    }
    Replica replica = replica();
    replica.setWeights(weights);
    if (buffers != null) {
      replica.setBuffers(buffers);
    }
    replica.zeroGrad();
    StepResult sums = backwardInto(replica, data, epoch, step, batchStatistics() ? reducer : null);
    if (sums.count() > 0 && replica.bufferCount() > 0) {
      sums.withBuffers(replica.flatBuffers());
    }
    return sums;
  }

  /**
   * Whether the network has layers whose training-mode output depends on the other rows of the
   * batch (batch norm), whose statistics a step sums across partitions through a {@link
   * StepReducer}, so that each (micro-)batch is normalised with the statistics of all its rows, as
   * PyTorch's {@code SyncBatchNorm} does.
   */
  public boolean batchStatistics() {
    return spec.batchStatistics();
  }

  /** This thread's cached replica of the network on the fit's device. */
  public Replica replica() {
    return Replica.cached(spec, resolveDevice());
  }

  /**
   * The device of this task; float16 is refused on the CPU, as PyTorch's CPU autocast supports only
   * bfloat16.
   */
  private Device resolveDevice() {
    Device d = devices.resolve(device);
    if (precision == Precision.FP16 && !d.isCuda()) {
      throw new IllegalArgumentException(
          "precision fp16 needs a GPU, but this task computes on "
              + d
              + " (device="
              + device
              + "); use precision bf16 or float32 on CPUs");
    }
    return d;
  }

  /**
   * Runs forward and backward on this partition's rows of optimizer step {@code step}, micro-batch
   * by micro-batch, adding the gradient of the weighted loss sum into {@code replica}'s gradients
   * (which the caller zeroes); returns the loss, weight and metric sums and the row count, with no
   * gradient.
   */
  StepResult backwardInto(Replica replica, PartitionData data, int epoch, int step) {
    return backwardInto(replica, data, epoch, step, null);
  }

  /**
   * As {@link #backwardInto(Replica, PartitionData, int, int)}, each micro-batch's forward and
   * backward run inside {@link ReplicaSync#enter} with {@code reducer}'s rounds of that micro-batch
   * (null: no reducer, each batch norm uses the partition's own rows).
   */
  StepResult backwardInto(
      Replica replica, PartitionData data, int epoch, int step, StepReducer reducer) {
    StepResult acc = new StepResult();
    if (data.trainRows() == 0) {
      return acc;
    }
    long first = (long) step * batchSize * accumulation;
    int rows = 0;
    try {
      for (int j = 0; j < accumulation; j++) {
        DataBlock.Batch b =
            data.window(
                trainRows,
                seed,
                epoch,
                shuffle,
                first + (long) j * batchSize,
                first + (long) (j + 1) * batchSize);
        if (b.rows() == 0) {
          continue;
        }
        rows = b.rows();
        checkMemory(replica, data.numFeatures(), rows);
        StepFaults.beforeStep(data.partition(), epoch, step);
        if (reducer == null) {
          microBatch(replica, b, epoch, step, acc);
        } else {
          int micro = j;
          int[] calls = {0};
          try (ReplicaSync sync =
              ReplicaSync.enter(
                  local -> reducer.sum(StepReducer.round(micro, calls[0]++), local))) {
            microBatch(replica, b, epoch, step, acc);
          }
        }
      }
    } catch (OutOfMemoryError e) {
      // The micro-batch's tensors are unreachable here, so the heap is back for the message; an
      // error Spark does not treat as fatal fails the task, not the executor.
      throw memory(replica, data.numFeatures())
          .outOfMemory(e, rows, batchSize, Runtime.getRuntime().maxMemory());
    }
    return acc;
  }

  /**
   * Fails before its activations are allocated if a micro-batch of {@code rows} rows cannot fit.
   */
  private void checkMemory(Replica replica, int numFeatures, int rows) {
    if (!replica.device().isCuda()) { // activations on a GPU are not in the heap
      memory(replica, numFeatures).check(rows, batchSize, Runtime.getRuntime().maxMemory());
    }
  }

  private StepMemory memory(Replica replica, int numFeatures) {
    StepMemory m = memory;
    if (m == null) {
      m =
          spec.inputs().isEmpty()
              ? StepMemory.of(replica.net(), numFeatures, replica.inputShape())
              : StepMemory.ofInputs(
                  replica.net(),
                  numFeatures,
                  replica.inputs(new float[numFeatures], 1, numFeatures));
      memory = m;
    }
    return m;
  }

  /** What outlives a step's scope: the replica's parameters (with their gradients) and buffers. */
  private static List<Tensor> keep(Replica replica) {
    List<Tensor> keep = new ArrayList<>(replica.net().parameters());
    keep.addAll(replica.net().buffers());
    return keep;
  }

  /** Forward and backward of one micro-batch, its sums merged into {@code acc}. */
  private void microBatch(Replica replica, DataBlock.Batch b, int epoch, int step, StepResult acc) {
    // The micro-batch's activations go back at the end: on a GPU to the allocator's cache, on the
    // CPU to this thread's buffer pool, for the next micro-batch's tensors of the same shapes.
    try (DeviceScope scope = DeviceScope.openRecycling(keep(replica))) {
      Tensor[] x = replica.inputs(b.x(), b.rows(), b.numFeatures());
      Tensor y = objective.target(b.y(), b.rows(), b.labelDim(), replica.device());
      Tensor out;
      Tensor total;
      // The forward pass and the loss in the precision's region, backward outside, as PyTorch
      // recommends: the backward ops follow the forward's formats.
      try (Autocast ac = Autocast.enter(replica.device(), precision)) {
        out = replica.forwardTrain(x, b.rowIds(), seed, epoch, step);
        Tensor perRow = objective.perRowLoss(out, y);
        Tensor w = b.w() == null ? null : Tensor.of(b.w(), b.rows()).to(replica.device());
        total = (w == null ? perRow : perRow.mul(w)).sum();
      }
      total.backward();
      float[] counts = rowCounts(b);
      double metric;
      try (NoGrad ng = NoGrad.enter()) {
        Tensor m = objective.perRowMetric(out.detach(), y);
        metric = (counts == null ? m : m.mul(Tensor.of(counts).to(replica.device()))).sum().item();
      }
      acc.merge(new StepResult(total.item(), sum(counts, b.rows()), metric, b.rows()));
    }
  }

  /**
   * The loss and metric sums of {@code data}'s validation rows under {@code weights}, with no
   * gradient, block by block (a streamed partition's chunk by chunk).
   */
  public StepResult evaluate(PartitionData data, float[] weights) {
    return evaluate(data, weights, null);
  }

  /**
   * As {@link #evaluate(PartitionData, float[])}, with the driver's {@code buffers} (batch norm's
   * running statistics, which evaluation mode normalises with) loaded first; null leaves the
   * replica's as they are.
   */
  public StepResult evaluate(PartitionData data, float[] weights, float[] buffers) {
    if (buffers != null) {
      replica().setBuffers(buffers);
    }
    StepResult acc = new StepResult();
    for (Iterator<DataBlock> it = data.validationBlocks(); it.hasNext(); ) {
      acc.merge(evaluate(it.next(), weights));
    }
    return acc;
  }

  /** The loss and metric sums of {@code block}'s rows under {@code weights}, with no gradient. */
  public StepResult evaluate(DataBlock block, float[] weights) {
    StepResult acc = new StepResult();
    if (block.rows() == 0) {
      return acc;
    }
    Replica replica = Replica.cached(spec, resolveDevice());
    replica.setWeights(weights);
    int[] order = new int[block.rows()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    try (NoGrad ng = NoGrad.enter()) {
      for (int from = 0; from < block.rows(); from += EVAL_CHUNK) {
        DataBlock.Batch b = block.gather(order, from, Math.min(block.rows(), from + EVAL_CHUNK));
        try (DeviceScope scope = DeviceScope.openRecycling(keep(replica))) {
          Tensor[] x = replica.inputs(b.x(), b.rows(), b.numFeatures());
          Tensor y = objective.target(b.y(), b.rows(), b.labelDim(), replica.device());
          Tensor out;
          try (Autocast ac = Autocast.enter(replica.device(), precision)) {
            out = replica.forwardEval(x);
          }
          Tensor loss = objective.perRowLoss(out, y);
          Tensor metric = objective.perRowMetric(out, y);
          if (b.w() != null) {
            loss = loss.mul(Tensor.of(b.w(), b.rows()).to(replica.device()));
          }
          float[] counts = rowCounts(b);
          if (counts != null) {
            metric = metric.mul(Tensor.of(counts).to(replica.device()));
          }
          acc.merge(
              new StepResult(
                  loss.sum().item(), sum(counts, b.rows()), metric.sum().item(), b.rows()));
        }
      }
    }
    return acc;
  }

  /**
   * What each row counts for in the means of the loss and the metric: its {@code weightCol} weight
   * times the objective's normaliser (its class weight, as PyTorch's weighted cross-entropy divides
   * by); null when every row counts 1.
   */
  private float[] rowCounts(DataBlock.Batch b) {
    float[] n = objective.rowNormalisers(b.y(), b.rows(), b.labelDim());
    if (n == null) {
      return b.w();
    }
    if (b.w() != null) {
      for (int i = 0; i < n.length; i++) {
        n[i] *= b.w()[i];
      }
    }
    return n;
  }

  private static double sum(float[] counts, int rows) {
    if (counts == null) {
      return rows;
    }
    double s = 0;
    for (float v : counts) {
      s += v;
    }
    return s;
  }
}
