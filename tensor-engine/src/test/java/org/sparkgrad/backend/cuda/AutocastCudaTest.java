package org.sparkgrad.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.Conv2d;
import org.sparkgrad.nn.Flatten;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.tensor.Autocast;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Precision;
import org.sparkgrad.tensor.Tensor;

/**
 * {@link Autocast} on {@code cuda:0} (the {@code amp.cu} rounding kernels) gives what it gives on
 * the CPU (the same rounding in Java): the rounding bit for bit, and a small CNN's loss and
 * gradients under bfloat16 and float16 within float summation order. Skipped, with the reason,
 * where no CUDA device is available; {@link EmulatedDeviceTest} runs it on the emulated driver.
 */
@Tag("gpu")
class AutocastCudaTest {
  private static final Device GPU = Device.cuda(0);

  @BeforeEach
  void requireDevice() {
    Assumptions.assumeTrue(CudaTestSupport.available(), CudaTestSupport::skipReason);
  }

  @Test
  void roundingOnTheGpuIsTheCpusBitForBit() {
    Generator gen = new Generator(11);
    float[] x = Tensor.randn(gen, 4096).toFloatArray();
    for (int i = 0; i < x.length; i++) {
      // every scale from float16's subnormals to past its largest value, and the special values
      x[i] = (float) (x[i] * Math.pow(2, (i % 48) - 30));
    }
    x[0] = Float.NaN;
    x[1] = Float.NEGATIVE_INFINITY;
    x[2] = 65520f;
    x[3] = -0f;
    for (Precision p : new Precision[] {Precision.BF16, Precision.FP16}) {
      float[] cpu = Autocast.round(Tensor.of(x), p).toFloatArray();
      float[] gpu = Autocast.round(Tensor.of(x).to(GPU), p).toFloatArray();
      for (int i = 0; i < x.length; i++) {
        assertThat(Float.floatToIntBits(gpu[i]))
            .as("%s of %s", p, x[i])
            .isEqualTo(Float.floatToIntBits(cpu[i]));
      }
    }
  }

  @Test
  void aCnnUnderAutocastMatchesTheCpu() {
    Generator gen = new Generator(12);
    Tensor x = Tensor.randn(gen, 4, 2, 6, 6);
    Tensor y = Tensor.ofLongs(new long[] {0, 2, 1, 2}, 4);
    for (Precision p : new Precision[] {Precision.BF16, Precision.FP16}) {
      List<float[]> cpu = lossAndGrads(x, y, Device.CPU, p);
      List<float[]> gpu = lossAndGrads(x, y, GPU, p);
      List<float[]> gpuPlain = lossAndGrads(x, y, GPU, Precision.FLOAT32);
      assertThat(gpu).hasSameSizeAs(cpu);
      for (int t = 0; t < cpu.size(); t++) {
        for (int i = 0; i < cpu.get(t).length; i++) {
          float want = cpu.get(t)[i];
          assertThat(gpu.get(t)[i])
              .as("%s, tensor %d [%d]", p, t, i)
              .isCloseTo(want, within(1e-5f * (1 + Math.abs(want))));
        }
      }
      // The region took effect on the GPU: its loss is not the float32 loss.
      assertThat(gpu.get(0)[0]).isNotEqualTo(gpuPlain.get(0)[0]);
    }
  }

  /** The loss, then each parameter's gradient, of one forward and backward under {@code p}. */
  private static List<float[]> lossAndGrads(Tensor x, Tensor y, Device device, Precision p) {
    Module net =
        new Sequential(
                new Conv2d(2, 3, 3, 1, 1, true, 5L),
                new ReLU(),
                new Flatten(),
                new Linear(3 * 6 * 6, 3, 6L))
            .to(device);
    List<float[]> out = new ArrayList<>();
    try (Autocast ac = Autocast.enter(device, p)) {
      Tensor loss = new CrossEntropyLoss().forward(net.forward(x.to(device)), y.to(device));
      loss.backward();
      out.add(new float[] {(float) loss.item()});
    }
    for (Tensor param : net.parameters()) {
      out.add(param.grad().toFloatArray());
    }
    return out;
  }
}
