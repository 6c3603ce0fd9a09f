package org.sparkgrad.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.metrics.source.Source;
import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.tensor.Device;
import scala.jdk.javaapi.CollectionConverters;

/** The plugin in a real local[2] SparkContext with two simulated GPUs (see {@link SharedSpark}). */
class LocalSparkPluginTest {
  /** auto chooses cuda:0 where CUDA runs, else the CPU. */
  private static Device expectedDevice() {
    return Backends.isAvailable(Device.cuda(0)) ? Device.cuda(0) : Device.CPU;
  }

  @Test
  void theExecutorReceivedTheDriverGpusAndChoseItsDevice() {
    SharedSpark.context();
    SparkgradExecutorState state = SparkgradExecutorState.current().orElseThrow();
    assertThat(state.executorId()).isEqualTo("driver");
    assertThat(state.gpuAddresses()).containsExactlyElementsOf(SharedSpark.GPU_ADDRESSES);
    assertThat(state.device()).isEqualTo(expectedDevice());
    assertThat(state.deviceReason())
        .contains("spark.sparkgrad.device=auto and Spark assigned GPUs [0, 1]");
    if (state.device().equals(Device.CPU)) {
      assertThat(state.deviceReason()).contains("CUDA cannot run on cuda:0 here; using the CPU");
    }
  }

  @Test
  void tasksFindTheExecutorStateAndTheirStepsReachSparksMetricSystem() {
    JavaSparkContext sc = SharedSpark.context();
    SparkgradExecutorState state = SparkgradExecutorState.current().orElseThrow();
    long stepsBefore = state.steps();
    long samplesBefore = state.samples();

    List<String> seen =
        sc.parallelize(List.of(10, 20, 30, 40), 4)
            .map(
                n -> {
                  SparkgradExecutorState s = SparkgradExecutorState.current().orElseThrow();
                  s.recordStep(n);
                  return SparkgradExecutorState.deviceOrCpu() + " " + s.gpuAddresses();
                })
            .collect();
    assertThat(seen).containsOnly(expectedDevice() + " [0, 1]").hasSize(4);
    assertThat(state.steps() - stepsBefore).isEqualTo(4);
    assertThat(state.samples() - samplesBefore).isEqualTo(100);

    List<Source> sources =
        CollectionConverters.asJava(
            SparkEnv.get()
                .metricsSystem()
                .getSourcesByName("plugin." + SparkgradPlugin.class.getName()));
    assertThat(sources).hasSize(1);
    MetricRegistry registry = sources.get(0).metricRegistry();
    assertThat(registry.getCounters().get("steps").getCount()).isEqualTo(state.steps());
    assertThat(registry.getCounters().get("samples").getCount()).isEqualTo(state.samples());
    assertThat(registry.getGauges().get("deviceOrdinal").getValue())
        .isEqualTo(expectedDevice().index());
  }

  @Test
  void wireClassesCrossTheWireWithRegistrationRequired() {
    JavaSparkContext sc = SharedSpark.context();
    assertThat(sc.getConf().get("spark.kryo.registrationRequired")).isEqualTo("true");
    float[][] weights = {{0.5f, -1f}, {2f, 0.25f}};
    var broadcast = sc.broadcast(weights);
    JavaRDD<Integer> rows = sc.parallelize(IntStream.rangeClosed(1, 8).boxed().toList(), 4);

    // A trainer's step: each partition sums w . (i, 1) per output and counts rows; the sums are
    // shipped as GradientSum objects and combined on executors and then the driver.
    GradientSum total =
        rows.treeAggregate(
            new GradientSum(new double[2], 0),
            (acc, i) -> {
              float[][] w = broadcast.value();
              double[] g = {w[0][0] * i + w[0][1], w[1][0] * i + w[1][1]};
              return acc.plus(new GradientSum(g, 1));
            },
            GradientSum::plus,
            2);
    // sum_{i=1..8} (0.5 i - 1) = 18 - 8 = 10; sum (2 i + 0.25) = 72 + 2 = 74
    assertThat(total).isEqualTo(new GradientSum(new double[] {10, 74}, 8));

    // Shuffle keyed by an engine enum, with primitive-array values.
    List<long[]> byDtype =
        rows.mapToPair(
                i ->
                    new scala.Tuple2<>(
                        i % 2 == 0 ? Device.Type.CUDA : Device.Type.CPU, new long[] {i}))
            .reduceByKey(
                (a, b) -> {
                  long[] c = new long[] {a[0] + b[0]};
                  return c;
                })
            .sortByKey()
            .values()
            .collect();
    assertThat(byDtype.stream().map(a -> a[0]).collect(Collectors.toList()))
        .containsExactly(1L + 3 + 5 + 7, 2L + 4 + 6 + 8);
  }
}
