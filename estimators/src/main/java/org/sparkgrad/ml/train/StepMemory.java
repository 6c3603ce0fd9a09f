package org.sparkgrad.ml.train;

import java.util.Locale;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * The heap a training step needs in a task, so that a {@code batchSize} too large for the executor
 * fails before the step allocates, with a message that names {@code batchSize} and the memory,
 * instead of an {@link OutOfMemoryError} (which Spark treats as fatal: it kills the executor, and
 * in local mode the driver with it).
 *
 * <p>The estimate is what autograd keeps alive during a step, in float32: per row, the input and
 * every layer's output (kept for backward), and as much again for their gradients; plus, once per
 * task, the weights, their gradients and the received weight vector. It leaves out what a layer
 * keeps inside itself and the JVM's own overhead, so it is a lower bound: a step estimated above
 * the heap cannot run, and one below it may still run out of memory, which {@link #outOfMemory}
 * then reports in the same words.
 */
final class StepMemory {
  private static final double GIB = 1024.0 * 1024 * 1024;

  private final long bytesPerRow;
  private final long fixedBytes;

  private StepMemory(long bytesPerRow, long fixedBytes) {
    this.bytesPerRow = bytesPerRow;
    this.fixedBytes = fixedBytes;
  }

  /**
   * The memory of steps of {@code net} on rows of {@code numFeatures} features, reshaped to {@code
   * inputShape} when it is not null: the layers' output widths are measured by a no-grad forward of
   * one zero row, so any layer counts right. A user's module that is not a {@link Sequential} is
   * measured by its input and output only (its inner activations are not visible from outside), so
   * its estimate is a looser lower bound.
   */
  static StepMemory of(Module net, int numFeatures, int[] inputShape) {
    long floatsPerRow = numFeatures;
    try (NoGrad ng = NoGrad.enter()) {
      boolean training = net.isTraining();
      net.eval();
      try {
        Tensor h = Tensor.zeros(1, numFeatures).to(net.parameters().get(0).device());
        if (inputShape != null) {
          int[] shape = new int[inputShape.length + 1];
          shape[0] = 1;
          System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
          h = h.reshape(shape);
        }
        if (net instanceof Sequential seq) {
          for (int i = 0; i < seq.size(); i++) {
            h = seq.get(i).forward(h);
            floatsPerRow += h.numel();
          }
        } else {
          floatsPerRow += net.forward(h).numel();
        }
      } finally {
        if (training) {
          net.train();
        }
      }
    }
    long weights = 0;
    for (Tensor p : net.parameters()) {
      weights += p.numel();
    }
    return new StepMemory(2 * Float.BYTES * floatsPerRow, 3 * Float.BYTES * weights);
  }

  /**
   * The memory of steps of {@code net}, a module of several inputs, on rows of {@code numFeatures}
   * features: measured, as a user module's, by its input and output, with a no-grad forward of
   * {@code probe} (one row of each input).
   */
  static StepMemory ofInputs(Module net, int numFeatures, Tensor[] probe) {
    long floatsPerRow = numFeatures;
    try (NoGrad ng = NoGrad.enter()) {
      boolean training = net.isTraining();
      net.eval();
      try {
        floatsPerRow += net.forward(probe).numel();
      } finally {
        if (training) {
          net.train();
        }
      }
    }
    long weights = 0;
    for (Tensor p : net.parameters()) {
      weights += p.numel();
    }
    return new StepMemory(2 * Float.BYTES * floatsPerRow, 3 * Float.BYTES * weights);
  }

  /** The bytes a step over {@code rows} rows needs. */
  long bytes(long rows) {
    return rows * bytesPerRow + fixedBytes;
  }

  /**
   * Fails, before anything is allocated, if a step over {@code rows} rows of this task cannot fit
   * in {@code heap} bytes.
   *
   * @throws IllegalArgumentException naming {@code batchSize}, its value, the memory needed and the
   *     heap
   */
  void check(long rows, int batchSize, long heap) {
    long need = bytes(rows);
    if (need > heap) {
      throw new IllegalArgumentException(message("", rows, batchSize, need, heap));
    }
  }

  /**
   * The error for an {@link OutOfMemoryError} {@code e} in a step over {@code rows} rows, once the
   * step's tensors are unreachable: an {@link IllegalArgumentException} (not fatal to Spark's
   * executor) that says what to change, with {@code e} as its cause.
   */
  IllegalArgumentException outOfMemory(OutOfMemoryError e, long rows, int batchSize, long heap) {
    IllegalArgumentException out =
        new IllegalArgumentException(
            message(
                "a training step ran out of memory (" + e + "): ",
                rows,
                batchSize,
                bytes(rows),
                heap));
    out.initCause(e);
    return out;
  }

  private static String message(String prefix, long rows, int batchSize, long need, long heap) {
    return prefix
        + "batchSize "
        + batchSize
        + " needs about "
        + gib(need)
        + " per task for activations and gradients of this network ("
        + rows
        + " rows of the minibatch in this partition); the executor heap is "
        + gib(heap)
        + ": lower batchSize or raise spark.executor.memory";
  }

  /** {@code bytes} in GiB with one decimal, as "12.3 GiB". */
  static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
  }
}
