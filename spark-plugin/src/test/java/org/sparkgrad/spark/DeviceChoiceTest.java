package org.sparkgrad.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Device;

class DeviceChoiceTest {
  private static boolean cuda(Device d) {
    return true;
  }

  private static boolean noCuda(Device d) {
    return false;
  }

  private static Predicate<Device> recording(List<Device> probed, boolean answer) {
    return d -> {
      probed.add(d);
      return answer;
    };
  }

  @Test
  void cpuIsTheCpuWhateverSparkAssigned() {
    for (List<String> addresses : List.of(List.<String>of(), List.of("0"), List.of("2", "3"))) {
      for (boolean local : new boolean[] {false, true}) {
        DeviceChoice c =
            DeviceChoice.choose(DeviceSetting.CPU, addresses, local, DeviceChoiceTest::cuda);
        assertThat(c.device()).isEqualTo(Device.CPU);
        assertThat(c.reason()).contains("spark.sparkgrad.device=cpu");
      }
    }
  }

  @Test
  void autoWithoutAddressesIsTheCpuAndDoesNotProbeCuda() {
    List<Device> probed = new ArrayList<>();
    DeviceChoice c =
        DeviceChoice.choose(DeviceSetting.AUTO, List.of(), false, recording(probed, true));
    assertThat(c.device()).isEqualTo(Device.CPU);
    assertThat(c.reason()).contains("Spark assigned no GPU");
    assertThat(probed).isEmpty();
  }

  @Test
  void autoInLocalModeWithoutAddressesIsTheCpu() {
    assertThat(
            DeviceChoice.choose(DeviceSetting.AUTO, List.of(), true, DeviceChoiceTest::cuda)
                .device())
        .isEqualTo(Device.CPU);
  }

  @Test
  void autoWithOneAddressUsesThatGpuWhenCudaRunsThere() {
    List<Device> probed = new ArrayList<>();
    DeviceChoice c =
        DeviceChoice.choose(DeviceSetting.AUTO, List.of("3"), false, recording(probed, true));
    assertThat(c.device()).isEqualTo(Device.cuda(3));
    assertThat(probed).containsExactly(Device.cuda(3));
    assertThat(c.reason()).contains("Spark assigned GPU [3]").doesNotContain("using only");
  }

  @Test
  void autoFallsBackToTheCpuWhenCudaCannotRunOnTheAssignedGpu() {
    DeviceChoice c =
        DeviceChoice.choose(DeviceSetting.AUTO, List.of("1"), false, DeviceChoiceTest::noCuda);
    assertThat(c.device()).isEqualTo(Device.CPU);
    assertThat(c.reason()).contains("CUDA cannot run on cuda:1").contains("using the CPU");
  }

  @Test
  void severalAddressesUseTheFirstAndSaySoInClusterAndLocalMode() {
    for (boolean local : new boolean[] {false, true}) {
      DeviceChoice auto =
          DeviceChoice.choose(DeviceSetting.AUTO, List.of("2", "0"), local, DeviceChoiceTest::cuda);
      DeviceChoice gpu =
          DeviceChoice.choose(
              DeviceSetting.GPU, List.of("2", "0"), local, DeviceChoiceTest::noCuda);
      assertThat(auto.device()).isEqualTo(Device.cuda(2));
      assertThat(gpu.device()).isEqualTo(Device.cuda(2));
      assertThat(auto.reason()).contains("GPUs [2, 0]").contains("using only 2");
      assertThat(gpu.reason())
          .contains(
              local
                  ? "local mode has a single executor"
                  : "set spark.task.resource.gpu.amount=1 (a task, and so a replica, per GPU)");
    }
  }

  @Test
  void gpuWithOneAddressUsesItWithoutConsultingCuda() {
    // Whether CUDA works is the backend's to say, with its own message; see the plugin tests.
    List<Device> probed = new ArrayList<>();
    DeviceChoice c =
        DeviceChoice.choose(DeviceSetting.GPU, List.of("5"), false, recording(probed, false));
    assertThat(c.device()).isEqualTo(Device.cuda(5));
    assertThat(probed).isEmpty();
  }

  @Test
  void gpuInLocalModeWithoutAddressesIsDeviceZero() {
    DeviceChoice c =
        DeviceChoice.choose(DeviceSetting.GPU, List.of(), true, DeviceChoiceTest::noCuda);
    assertThat(c.device()).isEqualTo(Device.cuda(0));
    assertThat(c.reason()).contains("local mode");
  }

  @Test
  void gpuOnAClusterExecutorWithoutAddressesFailsSayingWhatToSet() {
    assertThatThrownBy(
            () -> DeviceChoice.choose(DeviceSetting.GPU, List.of(), false, DeviceChoiceTest::cuda))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("spark.sparkgrad.device=gpu")
        .hasMessageContaining("spark.executor.resource.gpu.amount=1")
        .hasMessageContaining("spark.task.resource.gpu.amount");
  }

  @Test
  void addressesMustBeCudaOrdinals() {
    assertThat(DeviceChoice.ordinal(" 12 ")).isEqualTo(12);
    for (String bad : List.of("GPU-8f2a", "-1", "", "0x1", "1.0", "99999999999")) {
      assertThatThrownBy(
              () ->
                  DeviceChoice.choose(
                      DeviceSetting.GPU, List.of(bad), false, DeviceChoiceTest::cuda))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'")
          .hasMessageContaining("nvidia-smi --query-gpu=index");
    }
  }

  @Test
  void tasksOfOneExecutorWithSeveralGpusEachUseTheirOwn() {
    // An executor with GPUs 0-3 running a stage of one GPU per task: a replica per GPU.
    List<String> executor = List.of("0", "1", "2", "3");
    for (DeviceSetting s : List.of(DeviceSetting.AUTO, DeviceSetting.GPU)) {
      List<Device> chosen = new ArrayList<>();
      for (String task : List.of("2", "0", "3", "1")) {
        DeviceChoice c =
            DeviceChoice.forTask(s, List.of(task), executor, false, DeviceChoiceTest::cuda);
        assertThat(c.reason()).contains("Spark assigned this task GPU [" + task + "]");
        assertThat(c.reason()).doesNotContain("using only");
        chosen.add(c.device());
      }
      assertThat(chosen)
          .containsExactly(Device.cuda(2), Device.cuda(0), Device.cuda(3), Device.cuda(1));
    }
  }

  @Test
  void aTaskWithoutGpusFallsBackToTheExecutorsFirst() {
    DeviceChoice c =
        DeviceChoice.forTask(
            DeviceSetting.AUTO, List.of(), List.of("1", "0"), false, DeviceChoiceTest::cuda);
    assertThat(c.device()).isEqualTo(Device.cuda(1));
    assertThat(c.reason()).contains("Spark assigned GPUs [1, 0]").contains("using only 1");
    assertThat(
            DeviceChoice.forTask(
                    DeviceSetting.AUTO, List.of(), List.of(), true, DeviceChoiceTest::cuda)
                .device())
        .isEqualTo(Device.CPU);
  }

  @Test
  void aTaskOnAGpuWhereCudaCannotRunTrainsOnTheCpuUnderAuto() {
    // The standalone cluster test's case: fake GPUs that the scheduler hands out, no CUDA.
    List<Device> probed = new ArrayList<>();
    DeviceChoice c =
        DeviceChoice.forTask(
            DeviceSetting.AUTO, List.of("1"), List.of("0", "1"), false, recording(probed, false));
    assertThat(c.device()).isEqualTo(Device.CPU);
    assertThat(probed).containsExactly(Device.cuda(1));
    assertThat(c.reason()).contains("this task GPU [1]").contains("CUDA cannot run on cuda:1");
  }

  @Test
  void aTaskWithTwoGpusUsesTheFirstAndSaysToRequestOne() {
    DeviceChoice c =
        DeviceChoice.forTask(
            DeviceSetting.GPU, List.of("3", "2"), List.of("0"), false, DeviceChoiceTest::noCuda);
    assertThat(c.device()).isEqualTo(Device.cuda(3));
    assertThat(c.reason()).contains("using only 3").contains("spark.task.resource.gpu.amount=1");
  }

  @Test
  void cpuIgnoresTheTasksGpus() {
    assertThat(
            DeviceChoice.forTask(
                    DeviceSetting.CPU, List.of("0"), List.of("0"), false, DeviceChoiceTest::cuda)
                .device())
        .isEqualTo(Device.CPU);
  }
}
