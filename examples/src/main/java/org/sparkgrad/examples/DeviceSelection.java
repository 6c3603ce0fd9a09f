package org.sparkgrad.examples;

import java.io.PrintStream;
import java.util.function.Predicate;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * The GPU-or-CPU choice, as {@code device = "cuda:0" if torch.cuda.is_available() else "cpu"}: the
 * model and its inputs are moved to the chosen device and run there.
 */
public final class DeviceSelection {
  private DeviceSelection() {}

  public static void main(String[] args) {
    run(System.out);
  }

  /** {@code cuda:0} when its backend can start here, otherwise the CPU. */
  public static Device choose() {
    return choose(Backends::isAvailable);
  }

  /** {@code cuda:0} if {@code available} says it can be used, otherwise the CPU. */
  static Device choose(Predicate<Device> available) {
    Device gpu = Device.cuda(0);
    return available.test(gpu) ? gpu : Device.CPU;
  }

  /** Chooses a device, prints it, runs the network there and returns the output (on the CPU). */
  public static Tensor run(PrintStream out) {
    return run(out, choose());
  }

  /** Prints {@code device}, runs the network there and returns the output (on the CPU). */
  static Tensor run(PrintStream out, Device device) {
    out.println("using device: " + device);
    Sequential model = SeedNetwork.create(new Generator(42));
    model.to(device);
    model.eval();
    Tensor x = Tensor.randn(new Generator(3), 8, SeedNetwork.IN).to(device);
    try (NoGrad ignored = NoGrad.enter()) {
      Tensor y = model.forward(x);
      out.println("output on " + y.device() + ", shape " + java.util.Arrays.toString(y.shape()));
      return y.to(Device.CPU);
    }
  }
}
