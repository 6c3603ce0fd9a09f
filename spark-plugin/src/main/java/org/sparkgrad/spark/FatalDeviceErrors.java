package org.sparkgrad.spark;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the executor does when a task fails: a pure policy, so that the one call that ends a JVM
 * ({@link SparkgradExecutorPlugin#onTaskFailed}) is trivially small.
 *
 * <p>Some CUDA errors are "sticky": the CUDA documentation says that they leave the process's
 * context unusable and that every later CUDA call returns the same error, so the process must be
 * restarted. An executor in that state would fail every task Spark sends it, and each failure
 * counts towards {@code spark.task.maxFailures}. Ending the executor instead makes Spark start a
 * fresh one and rerun the task elsewhere, as the RAPIDS Accelerator's executor plugin does with
 * {@code System.exit} on its fatal CUDA errors.
 */
final class FatalDeviceErrors {
  /** The exit code of an executor ended by a fatal device error. */
  static final int EXIT_CODE = 20;

  /** CUDA driver API errors after which the process's CUDA context cannot be used again. */
  static final List<String> STICKY_CUDA_ERRORS =
      List.of(
          "CUDA_ERROR_ILLEGAL_ADDRESS",
          "CUDA_ERROR_LAUNCH_TIMEOUT",
          "CUDA_ERROR_ASSERT",
          "CUDA_ERROR_HARDWARE_STACK_ERROR",
          "CUDA_ERROR_ILLEGAL_INSTRUCTION",
          "CUDA_ERROR_MISALIGNED_ADDRESS",
          "CUDA_ERROR_INVALID_ADDRESS_SPACE",
          "CUDA_ERROR_INVALID_PC",
          "CUDA_ERROR_LAUNCH_FAILED",
          "CUDA_ERROR_ECC_UNCORRECTABLE",
          "CUDA_ERROR_NVLINK_UNCORRECTABLE");

  private static final Pattern STICKY =
      Pattern.compile("\\b(" + String.join("|", STICKY_CUDA_ERRORS) + ")\\b");

  /** What to do about a failed task. */
  enum Action {
    /** Not a device error: Spark retries the task as usual. */
    IGNORE,
    /** A fatal device error where ending the JVM is off or would end the driver: log it. */
    LOG,
    /** A fatal device error on a cluster executor: end the executor with {@link #EXIT_CODE}. */
    EXIT_EXECUTOR
  }

  private FatalDeviceErrors() {}

  /** The sticky CUDA error named in a task failure's text (message and stack trace), if any. */
  static Optional<String> fatalError(String failureText) {
    if (failureText == null) {
      return Optional.empty();
    }
    Matcher m = STICKY.matcher(failureText);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Decides what to do about a failed task.
   *
   * @param failureText the exception class, message and full stack trace (causes included)
   * @param isLocalMode whether the executor is the driver, which must never be ended
   * @param exitEnabled {@code spark.sparkgrad.fatalDeviceError.exitExecutor}
   */
  static Action decide(String failureText, boolean isLocalMode, boolean exitEnabled) {
    if (fatalError(failureText).isEmpty()) {
      return Action.IGNORE;
    }
    return exitEnabled && !isLocalMode ? Action.EXIT_EXECUTOR : Action.LOG;
  }
}
