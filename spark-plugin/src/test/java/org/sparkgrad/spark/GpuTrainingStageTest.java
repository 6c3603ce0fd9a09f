package org.sparkgrad.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.TaskResourceRequest;
import org.junit.jupiter.api.Test;

class GpuTrainingStageTest {
  /** A standalone cluster of executors with 4 cores and 2 GPUs; other tasks take no GPU. */
  private static Map<String, String> cluster() {
    Map<String, String> conf = new HashMap<>();
    conf.put("spark.master", "spark://host:7077");
    conf.put("spark.executor.cores", "4");
    conf.put("spark.executor.resource.gpu.amount", "2");
    return conf;
  }

  @Test
  void aStandaloneClusterWithGpusGivesTrainingOneGpuPerTask() {
    GpuTrainingStage s = GpuTrainingStage.plan(cluster(), "gpu");
    assertThat(s.requestsGpus()).isTrue();
    assertThat(s.taskCpus()).isEqualTo(2); // 4 cores over 2 GPUs: two training tasks at once
    assertThat(s.reason()).contains("1 GPU and 2 cores per task").contains("no GPU");
    ResourceProfile p = s.profile();
    TaskResourceRequest gpu = p.taskResourcesJMap().get("gpu");
    assertThat(gpu.amount()).isEqualTo(1.0);
    assertThat(p.taskResourcesJMap().get(ResourceProfile.CPUS()).amount()).isEqualTo(2.0);
    assertThat(p.executorResourcesJMap()).isEmpty(); // the executors stay as they are
  }

  @Test
  void autoRequestsGpusUnlessThePluginIsSetToTheCpu() {
    assertThat(GpuTrainingStage.plan(cluster(), "auto").requestsGpus()).isTrue();
    Map<String, String> conf = cluster();
    conf.put("spark.sparkgrad.device", "cpu");
    assertThat(GpuTrainingStage.plan(conf, "auto").requestsGpus()).isFalse();
    assertThat(GpuTrainingStage.plan(conf, "gpu").requestsGpus()).isTrue();
    assertThat(GpuTrainingStage.plan(cluster(), "cpu").requestsGpus()).isFalse();
  }

  @Test
  void oneCoreExecutorsAndFractionalEtlTasksStillGetAWholeGpuPerTrainingTask() {
    Map<String, String> conf = cluster();
    conf.put("spark.executor.cores", "1");
    conf.put("spark.executor.resource.gpu.amount", "1");
    conf.put("spark.task.resource.gpu.amount", "0.25");
    GpuTrainingStage s = GpuTrainingStage.plan(conf, "gpu");
    assertThat(s.requestsGpus()).isTrue();
    assertThat(s.taskCpus()).isEqualTo(1);
    assertThat(s.reason()).contains("other stages take 0.25 GPU per task");
    conf.remove("spark.executor.cores"); // unknown: spark.task.cpus
    conf.put("spark.task.cpus", "3");
    assertThat(GpuTrainingStage.plan(conf, "gpu").taskCpus()).isEqualTo(3);
  }

  @Test
  void noProfileWhereItWouldChangeNothingOrIsNotSupported() {
    Map<String, String> noGpus = cluster();
    noGpus.remove("spark.executor.resource.gpu.amount");
    Map<String, String> wholeGpus = cluster();
    wholeGpus.put("spark.task.resource.gpu.amount", "1");
    Map<String, String> local = cluster();
    local.put("spark.master", "local[2]");
    Map<String, String> yarn = cluster();
    yarn.put("spark.master", "yarn");
    Map<String, String> dynamic = cluster();
    dynamic.put("spark.dynamicAllocation.enabled", "true");
    assertThat(GpuTrainingStage.plan(noGpus, "gpu").reason()).contains("have no GPUs");
    assertThat(GpuTrainingStage.plan(wholeGpus, "gpu").reason()).contains("already takes");
    assertThat(GpuTrainingStage.plan(local, "gpu").reason()).contains("'local[2]'");
    assertThat(GpuTrainingStage.plan(yarn, "gpu").reason()).contains("standalone cluster");
    assertThat(GpuTrainingStage.plan(dynamic, "gpu").reason()).contains("dynamicAllocation");
    for (Map<String, String> c : List.of(noGpus, wholeGpus, local, yarn, dynamic)) {
      GpuTrainingStage s = GpuTrainingStage.plan(c, "gpu");
      assertThat(s.requestsGpus()).isFalse();
      assertThatThrownBy(s::profile).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aMalformedAmountIsNamed() {
    Map<String, String> conf = cluster();
    conf.put("spark.executor.resource.gpu.amount", "two");
    assertThatThrownBy(() -> GpuTrainingStage.plan(conf, "gpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spark.executor.resource.gpu.amount must be a number, got 'two'");
  }
}
