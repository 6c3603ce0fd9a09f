package org.sparkgrad.spark;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Sparkgrad's Spark plugin: {@code spark.plugins=org.sparkgrad.spark.SparkgradPlugin}.
 *
 * <p>The driver part ({@link SparkgradDriverPlugin}) checks the configuration at start-up; the
 * executor part ({@link SparkgradExecutorPlugin}) binds each executor to its device. Without the
 * plugin, Sparkgrad computes on the CPU.
 */
public final class SparkgradPlugin implements SparkPlugin {
  @Override
  public DriverPlugin driverPlugin() {
    return new SparkgradDriverPlugin();
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new SparkgradExecutorPlugin();
  }
}
