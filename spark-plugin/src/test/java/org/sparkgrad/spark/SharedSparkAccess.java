package org.sparkgrad.spark;

import org.apache.spark.SparkContext;

/** The shared test context ({@link SharedSpark}) for the tests of other packages. */
public final class SharedSparkAccess {
  private SharedSparkAccess() {}

  /** The shared context, started on first use. */
  public static SparkContext context() {
    return SharedSpark.context().sc();
  }
}
