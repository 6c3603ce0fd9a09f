package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.GradCheck;
import org.sparkgrad.tensor.Tensor;

/**
 * Central differences in float64 against autograd for every layer, with respect to the input and
 * every parameter.
 */
class LayerGradCheckTest {
  private final Generator gen = new Generator(7);

  private Tensor x(int... shape) {
    return Tensor.randn(gen, shape).to(DType.FLOAT64).requiresGrad(true);
  }

  /** Puts {@code t} in place of the parameter at the dotted path {@code name}. */
  static void setParam(Module m, String name, Tensor t) {
    int dot = name.lastIndexOf('.');
    m.getSubmodule(dot < 0 ? "" : name.substring(0, dot))
        .registerParameter(name.substring(dot + 1), t);
  }

  /**
   * Checks {@code m.forward} with respect to {@code input} (when floating-point) and to every
   * parameter, each replaced by random float64 values: the checked function swaps the values it is
   * given into the module before each evaluation.
   */
  private void checkModule(Module m, Tensor input, Runnable beforeEach) {
    m.to(DType.FLOAT64);
    Map<String, Tensor> params = m.namedParameters();
    String[] names = params.keySet().toArray(new String[0]);
    Tensor[] args = new Tensor[names.length + 1];
    args[0] = input;
    for (int i = 0; i < names.length; i++) {
      args[i + 1] = x(params.get(names[i]).shape());
    }
    Function<Tensor[], Tensor> f =
        a -> {
          for (int i = 0; i < names.length; i++) {
            setParam(m, names[i], a[i + 1]);
          }
          beforeEach.run();
          return m.forward(a[0]);
        };
    GradCheck.check(f, args);
  }

  private void checkModule(Module m, Tensor input) {
    checkModule(m, input, () -> {});
  }

  @Test
  void linear() {
    checkModule(new Linear(3, 4, 1L), x(5, 3));
    checkModule(new Linear(3, 2, false, 1L), x(2, 3, 3));
  }

  @Test
  void activations() {
    Tensor awayFromZero =
        Tensor.of(new double[] {-1.5, -0.2, 0.3, 2.0, -0.7, 1.1}, 2, 3).requiresGrad(true);
    checkModule(new ReLU(), awayFromZero);
    checkModule(new LeakyReLU(0.1), awayFromZero);
    checkModule(new Sigmoid(), x(3, 4));
    checkModule(new Tanh(), x(3, 4));
    checkModule(new GELU(), x(3, 4));
    checkModule(new Softmax(1), x(3, 4));
    checkModule(new Softmax(0), x(3, 4));
    checkModule(new LogSoftmax(1), x(3, 4));
    checkModule(new LogSoftmax(-1), x(2, 3, 4));
  }

  @Test
  void dropoutInTrainingModeWithAFixedMask() {
    Dropout d = new Dropout(0.4);
    Tensor input = x(6, 5);
    // Re-seeding before each evaluation draws the same mask every time.
    checkModule(d, input, () -> d.setGenerator(new Generator(11)));
    d.setGenerator(new Generator(11));
    double[] out = d.forward(input).toDoubleArray();
    double[] in = input.toDoubleArray();
    int zeros = 0;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == 0) {
        zeros++;
      } else {
        assertThat(out[i]).isCloseTo(in[i] / 0.6, org.assertj.core.data.Offset.offset(1e-12));
      }
    }
    assertThat(zeros).isBetween(1, out.length - 1);
  }

  @Test
  void flattenAndSequential() {
    checkModule(new Flatten(), x(2, 3, 2));
    checkModule(new Sequential(new Linear(3, 4, 1L), new Tanh(), new Linear(4, 2, 2L)), x(5, 3));
  }

  @Test
  void layerNorm() {
    checkModule(new LayerNorm(3, 4), x(2, 3, 4));
    checkModule(new LayerNorm(5), x(4, 5));
    checkModule(new LayerNorm(new int[] {4}, 1e-5, false), x(3, 4));
  }

  @Test
  void batchNorm1d() {
    BatchNorm1d train2d = new BatchNorm1d(3);
    checkModule(train2d, x(6, 3));
    checkModule(new BatchNorm1d(3), x(4, 3, 5));
    checkModule(new BatchNorm1d(3, 1e-5, 0.1, false, false), x(5, 3));
    // Evaluation after training: the running statistics are non-trivial constants.
    train2d.eval();
    assertThat(train2d.getBuffer("num_batches_tracked").item()).isPositive();
    checkModule(train2d, x(4, 3));
  }

  @Test
  void embedding() {
    Tensor idx = Tensor.ofLongs(new long[] {1, 4, 1, 0, 3, 1}, 2, 3);
    checkModule(new Embedding(5, 3, 1L), idx);
  }

  @Test
  void conv2d() {
    checkModule(new Conv2d(2, 3, 3, 2, 1, true, 1L), x(2, 2, 5, 4));
    checkModule(new Conv2d(1, 2, 2, 1, 0, false, 1L), x(1, 1, 3, 4));
  }

  @Test
  void maxPool2d() {
    checkModule(new MaxPool2d(2), x(1, 2, 4, 4));
    checkModule(new MaxPool2d(3, 2, 1), x(2, 1, 5, 5));
    checkModule(new MaxPool2d(3, 1), x(1, 1, 5, 4));
  }
}
