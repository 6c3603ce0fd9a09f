package org.sparkgrad.ml.train;

/**
 * A fault point in the task path of every training step, <b>for tests only</b>: a test installs a
 * hook that throws in a chosen partition at a chosen step, as a flaky executor does, to check that
 * Spark's task retry ends with the undisturbed model, through either step transport. Nothing in
 * Sparkgrad installs a hook, and without one a step pays one volatile read.
 *
 * <p>The hook is static, so it reaches the tasks that run in the JVM that installed it: Spark's
 * local mode ({@code local[N,F]} retries a failed task up to {@code F} times).
 */
public final class StepFaults {
  /** What a hook is told before a task computes its partition's rows of a step. */
  @FunctionalInterface
  public interface Hook {
    /**
     * Called in the task before it computes its rows of step {@code step} of epoch {@code epoch}
     * (both from 0) for partition {@code partition}: once per micro-batch with rows (once per step
     * without gradient accumulation). Throwing fails the task; an {@link OutOfMemoryError} is
     * reported as the step's own would be.
     */
    void beforeStep(int partition, int epoch, int step);
  }

  private static volatile Hook hook;

  private StepFaults() {}

  /** Installs {@code h} for the tasks of this JVM, replacing any other; null removes it. */
  public static void install(Hook h) {
    hook = h;
  }

  /** Runs the installed hook, if any. */
  static void beforeStep(int partition, int epoch, int step) {
    Hook h = hook;
    if (h != null) {
      h.beforeStep(partition, epoch, step);
    }
  }
}
