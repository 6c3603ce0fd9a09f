package org.sparkgrad.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.junit.jupiter.api.Test;

class ConfFilesTest {
  @Test
  void log4jKeepsSparkAtWarnAndShowsSparkgradAtInfo() throws Exception {
    Configuration config;
    try (InputStream in = Files.newInputStream(TestFiles.conf("log4j2.properties"))) {
      config =
          new PropertiesConfigurationFactory()
              .getConfiguration(new LoggerContext("conf-test"), new ConfigurationSource(in));
    }
    config.initialize();
    assertThat(level(config, "org.apache.spark.SparkContext")).isEqualTo(Level.WARN);
    assertThat(level(config, "org.apache.hadoop.fs.FileSystem")).isEqualTo(Level.WARN);
    assertThat(level(config, "org.sparkgrad.spark.SparkgradExecutorPlugin")).isEqualTo(Level.INFO);
    assertThat(level(config, "org.sparkgrad.ml.train.Trainer")).isEqualTo(Level.INFO);
    assertThat(config.getAppenders()).containsKey("console");
  }

  private static Level level(Configuration config, String logger) {
    return config.getLoggerConfig(logger).getLevel();
  }

  /** Each setting, commented out or not, in the order of the template. */
  private static Map<String, String> templateSettings(List<String> uncommented) throws Exception {
    List<String> lines =
        Files.readAllLines(TestFiles.conf("spark-defaults.conf.template"), StandardCharsets.UTF_8);
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      boolean commentedSetting = line.startsWith("#spark.");
      if (!commentedSetting && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      String previous = lines.get(i - 1).trim();
      assertThat(previous)
          .as("line %d (%s) is explained by a comment above it", i + 1, line)
          .startsWith("# ");
      String[] kv = (commentedSetting ? line.substring(1) : line).split("\\s+", 2);
      assertThat(kv).as("line %d: key and value", i + 1).hasSize(2);
      if (!commentedSetting) {
        uncommented.add(kv[0]);
      }
      settings.putIfAbsent(kv[0], kv[1]);
    }
    return settings;
  }

  @Test
  void theSparkDefaultsTemplateIsCommentedAndNamesRealClassesAndKeys() throws Exception {
    List<String> active = new ArrayList<>();
    Map<String, String> s = templateSettings(active);
    assertThat(active)
        .containsExactly(
            "spark.plugins",
            "spark.serializer",
            "spark.kryo.registrator",
            "spark.sparkgrad.device",
            "spark.driver.extraJavaOptions",
            "spark.executor.extraJavaOptions");
    assertThat(s.get("spark.driver.extraJavaOptions")).isEqualTo("-XX:+AlwaysPreTouch");
    assertThat(s.get("spark.executor.extraJavaOptions")).isEqualTo("-XX:+AlwaysPreTouch");
    assertThat(s.get("spark.plugins")).isEqualTo(SparkgradPlugin.class.getName());
    assertThat(s.get("spark.kryo.registrator")).isEqualTo(SparkgradKryoRegistrator.class.getName());
    assertThat(Class.forName(s.get("spark.serializer")))
        .isAssignableTo(org.apache.spark.serializer.Serializer.class);
    assertThat(s)
        .containsKeys(
            "spark.executor.resource.gpu.amount",
            "spark.task.resource.gpu.amount",
            "spark.executor.resource.gpu.discoveryScript",
            "spark.kryo.registrationRequired");
    assertThat(s.get("spark.executor.resource.gpu.discoveryScript")).endsWith("/gpu-discovery.sh");
    assertThat(SparkgradConf.unknownKeys(s.keySet())).isEmpty();
    SparkgradConf.from(s);
  }
}
