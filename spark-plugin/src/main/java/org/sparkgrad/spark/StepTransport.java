package org.sparkgrad.spark;

/** The values of {@code spark.sparkgrad.fit.transport}: how a fit's synchronous steps travel. */
public enum StepTransport {
  /**
   * The step channel when every partition of the fit can hold a task slot at once and {@code
   * spark.speculation} is off, else one Spark job per step. The channel runs on Spark's network
   * transport with Spark's authentication and encryption, so secure clusters keep it.
   */
  AUTO,
  /** The step channel whenever its tasks start; one Spark job per step only if they do not. */
  CHANNEL,
  /** One Spark job per step (broadcast the weights, {@code treeAggregate} the gradients). */
  JOBS
}
