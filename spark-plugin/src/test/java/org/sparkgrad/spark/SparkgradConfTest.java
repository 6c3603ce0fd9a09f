package org.sparkgrad.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SparkgradConfTest {
  @Test
  void absentKeysTakeTheirDefaults() {
    SparkgradConf conf = SparkgradConf.from(Map.of("spark.master", "local[2]"));
    assertThat(conf.device()).isEqualTo(DeviceSetting.AUTO);
    assertThat(conf.get(SparkgradConf.BLAS)).isEqualTo(BlasLibrary.OPENBLAS);
    assertThat(conf.get(SparkgradConf.BLAS_THREADS)).isEqualTo(1);
    assertThat(conf.get(SparkgradConf.METRICS_ENABLED)).isTrue();
    assertThat(conf.get(SparkgradConf.EXIT_ON_FATAL_DEVICE_ERROR)).isTrue();
    assertThat(conf.get(SparkgradConf.DRIVER_GPU_ADDRESSES)).isEmpty();
  }

  @Test
  void valuesAreParsedTrimmedAndCaseInsensitive() {
    SparkgradConf conf =
        SparkgradConf.from(
            Map.of(
                "spark.sparkgrad.device", " GPU ",
                "spark.sparkgrad.blas", "netlib",
                "spark.sparkgrad.blas.threads", "4",
                "spark.sparkgrad.metrics.enabled", "FALSE",
                "spark.sparkgrad.internal.driverGpuAddresses", "0, 1,,2"));
    assertThat(conf.device()).isEqualTo(DeviceSetting.GPU);
    assertThat(conf.get(SparkgradConf.BLAS)).isEqualTo(BlasLibrary.NETLIB);
    assertThat(conf.get(SparkgradConf.BLAS_THREADS)).isEqualTo(4);
    assertThat(conf.get(SparkgradConf.METRICS_ENABLED)).isFalse();
    assertThat(conf.get(SparkgradConf.DRIVER_GPU_ADDRESSES)).containsExactly("0", "1", "2");
  }

  @Test
  void everyInvalidKeyIsReportedWithWhatItAccepts() {
    assertThatThrownBy(
            () ->
                SparkgradConf.from(
                    Map.of(
                        "spark.sparkgrad.device", "tpu",
                        "spark.sparkgrad.blas.threads", "0",
                        "spark.sparkgrad.metrics.enabled", "yes")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spark.sparkgrad.device: expected one of auto, cpu, gpu, got 'tpu'")
        .hasMessageContaining("spark.sparkgrad.blas.threads: must be >= 1, got 0")
        .hasMessageContaining("spark.sparkgrad.metrics.enabled: expected true or false, got 'yes'");
    assertThatThrownBy(() -> SparkgradConf.from(Map.of("spark.sparkgrad.blas.threads", "two")))
        .hasMessageContaining("spark.sparkgrad.blas.threads: expected an integer, got 'two'");
  }

  @Test
  void toMapIsReadBackToTheSameValues() {
    SparkgradConf conf =
        SparkgradConf.from(
            Map.of(
                "spark.sparkgrad.device", "cpu",
                "spark.sparkgrad.blas.threads", "3",
                "spark.sparkgrad.fatalDeviceError.exitExecutor", "false",
                "spark.sparkgrad.internal.driverGpuAddresses", "4,5"));
    Map<String, String> map = conf.toMap();
    assertThat(map)
        .containsEntry("spark.sparkgrad.device", "cpu")
        .containsEntry("spark.sparkgrad.blas.threads", "3")
        .containsEntry("spark.sparkgrad.fatalDeviceError.exitExecutor", "false")
        .containsEntry("spark.sparkgrad.internal.driverGpuAddresses", "4,5")
        .hasSize(SparkgradConf.entries().size());
    assertThat(SparkgradConf.from(map).toMap()).isEqualTo(map);
  }

  @Test
  void eachKeyIsDeclaredOnceUnderThePrefixWithDocAndDefault() {
    Set<String> keys = new HashSet<>();
    for (ConfEntry<?> e : SparkgradConf.entries()) {
      assertThat(keys.add(e.key())).as("duplicate " + e.key()).isTrue();
      assertThat(e.key()).startsWith(SparkgradConf.PREFIX);
      assertThat(e.doc()).as(e.key()).hasSizeGreaterThan(20);
      assertThat(e.parse(e.defaultString())).as(e.key()).isEqualTo(e.defaultValue());
    }
    assertThat(keys)
        .contains(
            "spark.sparkgrad.device",
            "spark.sparkgrad.blas.threads",
            "spark.sparkgrad.metrics.enabled");
  }

  @Test
  void unknownKeysNameTheClosestKnownOne() {
    assertThat(
            SparkgradConf.unknownKeys(
                List.of(
                    "spark.sparkgrad.devcie",
                    "spark.sparkgrad.blas.thread",
                    "spark.sparkgrad.device",
                    "spark.executor.memory")))
        .containsExactly(
            "unknown key spark.sparkgrad.devcie (did you mean spark.sparkgrad.device?)",
            "unknown key spark.sparkgrad.blas.thread (did you mean spark.sparkgrad.blas.threads?)");
    assertThat(SparkgradConf.editDistance("kitten", "sitting")).isEqualTo(3);
  }
}
