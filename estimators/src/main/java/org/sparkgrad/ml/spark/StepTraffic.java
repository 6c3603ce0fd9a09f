package org.sparkgrad.ml.spark;

import java.util.function.Consumer;

/**
 * What one synchronous step through the step channel cost the driver and the tasks, <b>for
 * benchmarks</b> (the cost model of docs/PERFORMANCE.md is fitted to these): the payload bytes and
 * the messages the driver received and sent during the step (message bodies as the transport
 * carries them, without its frame headers), the driver's wait (from sending the step's commands to
 * the last reply) and its work (from the end of the previous step's exchange to the start of this
 * one: summing the gradients, the optimizer, the listener), and the tasks' compute time (the
 * forward and backward of their rows) and encode time (writing their reply), summed over the
 * partitions and the slowest one.
 *
 * <p>Nothing is measured unless a benchmark installs a listener ({@link #listen}); without one a
 * step pays one volatile read. The listener is static, so it hears the fits whose driver runs in
 * the JVM that installed it.
 *
 * @param partitions the fit's partitions
 * @param bytesIn payload bytes the driver received during the step
 * @param bytesOut payload bytes the driver sent during the step
 * @param messagesIn messages the driver received during the step
 * @param messagesOut messages the driver sent during the step
 * @param waitNanos the driver's wait for the step's replies
 * @param workNanos the driver's own work since the previous step's exchange (0 on a channel's first
 *     step)
 * @param tasks the tasks' compute and encode times
 */
public record StepTraffic(
    int partitions,
    long bytesIn,
    long bytesOut,
    long messagesIn,
    long messagesOut,
    long waitNanos,
    long workNanos,
    TaskTimes tasks) {

  /**
   * Task times over a set of partitions: sums and maxima of the compute and encode times, so that a
   * reduction tree can merge its children's in constant space.
   */
  public record TaskTimes(long computeSum, long computeMax, long encodeSum, long encodeMax) {
    /** No task: the zero of {@link #plus}. */
    public static final TaskTimes NONE = new TaskTimes(0, 0, 0, 0);

    /** One task's times. */
    public static TaskTimes of(long compute, long encode) {
      return new TaskTimes(compute, compute, encode, encode);
    }

    /** These times and {@code o}'s, over the union of their partitions. */
    public TaskTimes plus(TaskTimes o) {
      return new TaskTimes(
          computeSum + o.computeSum,
          Math.max(computeMax, o.computeMax),
          encodeSum + o.encodeSum,
          Math.max(encodeMax, o.encodeMax));
    }
  }

  private static volatile Consumer<StepTraffic> listener;

  /** Installs {@code l} to hear every step of the fits driven from this JVM; null removes it. */
  public static void listen(Consumer<StepTraffic> l) {
    listener = l;
  }

  /** The installed listener, or null: callers measure only when there is one. */
  static Consumer<StepTraffic> listener() {
    return listener;
  }
}
