package org.sparkgrad.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One {@code local[2]} SparkContext for every test class of this JVM (each costs seconds to start):
 * the plugin, Kryo with {@code registrationRequired}, and two simulated GPUs that the real {@code
 * conf/gpu-discovery.sh} reports through a fake {@code nvidia-smi}. Spark's own shutdown hook stops
 * it when the JVM ends.
 */
final class SharedSpark {
  /** The GPU addresses the fake {@code nvidia-smi} reports. */
  static final List<String> GPU_ADDRESSES = List.of("0", "1");

  private static JavaSparkContext context;

  private SharedSpark() {}

  static synchronized JavaSparkContext context() {
    if (context == null) {
      SparkConf conf =
          baseConf("sparkgrad-plugin-tests")
              .set("spark.sparkgrad.device", "auto")
              .set("spark.driver.resource.gpu.amount", String.valueOf(GPU_ADDRESSES.size()))
              .set("spark.driver.resource.gpu.discoveryScript", fakeDiscoveryScript().toString());
      context = new JavaSparkContext(conf);
    }
    return context;
  }

  /** Stops the shared context, for a test that must start its own. */
  static synchronized void stop() {
    if (context != null) {
      context.stop();
      context = null;
    }
  }

  /** The settings every test context shares: local[2], the plugin, strict Kryo, no UI. */
  static SparkConf baseConf(String appName) {
    return new SparkConf(false)
        .setMaster("local[2]")
        .setAppName(appName)
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.sql.shuffle.partitions", "2")
        .set("spark.plugins", SparkgradPlugin.class.getName())
        .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .set("spark.kryo.registrator", SparkgradKryoRegistrator.class.getName())
        .set("spark.kryo.registrationRequired", "true");
  }

  /**
   * A discovery script that runs the real {@code conf/gpu-discovery.sh} with a fake {@code
   * nvidia-smi} first on its PATH (Spark runs discovery scripts with the JVM's environment, which a
   * test cannot change).
   */
  static Path fakeDiscoveryScript() {
    try {
      Path dir = Files.createTempDirectory("sparkgrad-fake-gpus");
      dir.toFile().deleteOnExit();
      Path fake = FakeNvidiaSmi.install(dir, String.join("\n", GPU_ADDRESSES) + "\n", 0);
      fake.toFile().deleteOnExit();
      Path wrapper = dir.resolve("discover-fake-gpus.sh");
      Files.writeString(
          wrapper,
          "#!/bin/bash\nPATH='"
              + dir
              + "':\"$PATH\" exec /bin/bash '"
              + TestFiles.conf("gpu-discovery.sh")
              + "'\n",
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
      wrapper.toFile().deleteOnExit();
      return wrapper;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
