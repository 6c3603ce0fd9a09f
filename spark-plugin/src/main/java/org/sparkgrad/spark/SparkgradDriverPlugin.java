package org.sparkgrad.spark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.spark.ui.SparkgradUi;
import scala.Tuple2;

/**
 * The driver part of {@link SparkgradPlugin}: validates the configuration when the {@code
 * SparkContext} starts, failing it with an actionable message, and hands the validated settings to
 * the executor plugins; attaches the Spark UI's Sparkgrad tab ({@link SparkgradUi}), so that it
 * shows from the start.
 */
final class SparkgradDriverPlugin implements DriverPlugin {
  private static final Logger LOG = LoggerFactory.getLogger(SparkgradDriverPlugin.class);

  @Override
  public Map<String, String> init(SparkContext sc, PluginContext ctx) {
    Map<String, String> sparkConf = new LinkedHashMap<>();
    for (Tuple2<String, String> kv : ctx.conf().getAll()) {
      sparkConf.put(kv._1(), kv._2());
    }
    Map<String, String> settings =
        settingsForExecutors(sparkConf, sc.isLocal(), ctx.resources(), classLoader());
    LOG.info("Sparkgrad plugin started on the driver: {}", settings);
    SparkgradUi.attach(sc);
    return settings;
  }

  /**
   * Validates the application's configuration and returns the settings for the executor plugins.
   *
   * @param sparkConf every Spark setting
   * @param isLocalMode whether the executor runs inside the driver
   * @param driverResources the driver's resources; in local mode its GPUs are the executor's
   * @param classLoader where the application's classes come from, checked for duplicate jars
   * @throws IllegalArgumentException naming every problem and what to set
   */
  static Map<String, String> settingsForExecutors(
      Map<String, String> sparkConf,
      boolean isLocalMode,
      Map<String, ResourceInformation> driverResources,
      ClassLoader classLoader) {
    for (String warning : SparkgradConf.unknownKeys(sparkConf.keySet())) {
      LOG.warn("Sparkgrad configuration: {}", warning);
    }
    SparkgradConf conf = SparkgradConf.from(sparkConf);
    List<String> problems = DriverChecks.problems(sparkConf, conf, isLocalMode);
    DuplicateJars.problem(DuplicateJars.locate(classLoader)).ifPresent(problems::add);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Sparkgrad cannot start: " + String.join("; and ", problems));
    }
    Map<String, String> settings = new LinkedHashMap<>(conf.toMap());
    settings.put(SparkgradConf.LOCAL_MODE.key(), String.valueOf(isLocalMode));
    ResourceInformation gpus = driverResources.get("gpu");
    if (isLocalMode && gpus != null) {
      settings.put(SparkgradConf.DRIVER_GPU_ADDRESSES.key(), String.join(",", gpus.addresses()));
    }
    return settings;
  }

  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : SparkgradDriverPlugin.class.getClassLoader();
  }
}
