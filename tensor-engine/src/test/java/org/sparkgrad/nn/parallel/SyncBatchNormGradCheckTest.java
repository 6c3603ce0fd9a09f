package org.sparkgrad.nn.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.BatchNorm2d;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * Central differences in float64 against autograd through the sync path, as {@code gradcheck} with
 * a random projection: the loss is {@code Σ_replicas Σ g_i · y_i} of three threaded replicas that
 * hold 2, 2 and 1 rows, so each replica's gradient includes the paths through the other replicas'
 * outputs, which only the all-reduces' backward carries.
 */
class SyncBatchNormGradCheckTest {
  private static final int[] ROWS = {2, 2, 1};
  private static final int[] OFFSETS = {0, 2, 4};

  /** One replica's share of the loss and, when asked, its gradients. */
  private record Part(double loss, Tensor gradX, Tensor gradWeight, Tensor gradBias) {}

  @Test
  void gradientsThroughTheAllReducesMatchCentralDifferences() {
    Generator gen = new Generator(11);
    Tensor x = Tensor.randn(gen, 5, 2, 2, 2).to(DType.FLOAT64).mul(2).add(1);
    Tensor w = Tensor.randn(gen, 2).to(DType.FLOAT64);
    Tensor b = Tensor.randn(gen, 2).to(DType.FLOAT64);
    Tensor g = Tensor.randn(gen, 5, 2, 2, 2).to(DType.FLOAT64);
    List<Part> parts = ThreadedReplicas.run(3, i -> part(i, x, w, b, g, true));
    double[] gx = Tensor.cat(parts.stream().map(Part::gradX).toList()).toDoubleArray();
    double[] gw = new double[2];
    double[] gb = new double[2];
    for (Part p : parts) {
      for (int c = 0; c < 2; c++) {
        gw[c] += p.gradWeight().toDoubleArray()[c];
        gb[c] += p.gradBias().toDoubleArray()[c];
      }
    }
    Tensor[] inputs = {x, w, b, g};
    double[][] analytic = {gx, gw, gb};
    String[] names = {"x", "weight", "bias"};
    double eps = 1e-6;
    for (int k = 0; k < 3; k++) {
      double[] v = inputs[k].toDoubleArray();
      for (int j = 0; j < v.length; j++) {
        double numeric =
            (lossAt(inputs, k, j, v[j] + eps) - lossAt(inputs, k, j, v[j] - eps)) / (2 * eps);
        assertThat(analytic[k][j])
            .as("d loss / d %s[%d]", names[k], j)
            .isCloseTo(numeric, within(1e-5 + 1e-3 * Math.abs(numeric)));
      }
    }
  }

  /**
   * The loss with element {@code j} of input {@code k} (x, weight, bias, g) set to {@code value}.
   */
  private static double lossAt(Tensor[] inputs, int k, int j, double value) {
    Tensor[] in = inputs.clone();
    double[] v = inputs[k].toDoubleArray();
    v[j] = value;
    in[k] = Tensor.of(v, inputs[k].shape());
    return ThreadedReplicas.run(3, i -> part(i, in[0], in[1], in[2], in[3], false)).stream()
        .mapToDouble(Part::loss)
        .sum();
  }

  private static Part part(int i, Tensor x, Tensor w, Tensor b, Tensor g, boolean grad) {
    BatchNorm2d bn = new BatchNorm2d(2, 1e-5, 0.1, true, false);
    bn.to(DType.FLOAT64);
    bn.loadStateDict(Map.of("weight", w, "bias", b));
    Tensor xi = x.narrow(0, OFFSETS[i], ROWS[i]).copy().requiresGrad(grad);
    Tensor loss = bn.forward(xi).mul(g.narrow(0, OFFSETS[i], ROWS[i])).sum();
    if (!grad) {
      return new Part(loss.item(), null, null, null);
    }
    loss.backward();
    return new Part(
        loss.item(), xi.grad(), bn.getParameter("weight").grad(), bn.getParameter("bias").grad());
  }
}
