package org.sparkgrad.nn.utils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.BatchNorm1d;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * Flat parameter and gradient vectors: order and offsets (tensors of distinct sizes and values, so
 * a wrong order, offset or missing tensor changes the result), PyTorch's order for a module, the
 * CPU float32 path and the backend path (float64 tensors), and the errors.
 */
class ParameterVectorsTest {
  /** Three tensors of 6, 3 and 2 elements: a, then b, then c. */
  private static List<Tensor> three() {
    return List.of(
        Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
        Tensor.of(new float[] {10, 20, 30}, 3),
        Tensor.of(new float[] {-1, -2}, 1, 2));
  }

  private static final float[] THREE_FLAT = {1, 2, 3, 4, 5, 6, 10, 20, 30, -1, -2};

  @Test
  void parametersToVectorConcatenatesInOrderRowMajor() {
    List<Tensor> ps = three();
    Tensor v = ParameterVectors.parametersToVector(ps);
    assertThat(v.shape()).containsExactly(11);
    assertThat(v.toFloatArray()).containsExactly(THREE_FLAT);
    assertThat(ParameterVectors.toFloats(ps, null)).containsExactly(THREE_FLAT);
  }

  @Test
  void vectorToParametersFillsEachTensorFromItsOffset() {
    List<Tensor> ps = three();
    float[] flat = new float[11];
    for (int i = 0; i < flat.length; i++) {
      flat[i] = 100 + i;
    }
    ParameterVectors.vectorToParameters(Tensor.of(flat, 11), ps);
    assertThat(ps.get(0).toFloatArray()).containsExactly(100, 101, 102, 103, 104, 105);
    assertThat(ps.get(1).toFloatArray()).containsExactly(106, 107, 108);
    assertThat(ps.get(2).toFloatArray()).containsExactly(109, 110);
    assertThat(ps.get(2).shape()).containsExactly(1, 2);

    List<Tensor> qs = three();
    ParameterVectors.fromFloats(flat, qs);
    assertThat(ParameterVectors.toFloats(qs, null)).containsExactly(flat);
  }

  @Test
  void parametersToVectorIsDifferentiable() {
    List<Tensor> ps = three();
    ps.forEach(p -> p.requiresGrad(true));
    Tensor v = ParameterVectors.parametersToVector(ps);
    v.mul(Tensor.arange(11).to(DType.FLOAT32)).sum().backward();
    assertThat(ps.get(1).grad().toFloatArray()).containsExactly(6, 7, 8);
    assertThat(ps.get(2).grad().toFloatArray()).containsExactly(9, 10);
  }

  /** PyTorch's values from golden/nn/gen_parameter_vector.py. */
  @Test
  void pytorchOrderIsTheStateDictOrderWithoutBuffers() {
    Generator gen = new Generator(0);
    Module net =
        new Sequential(
            new Linear(2, 3, gen), new BatchNorm1d(3), new ReLU(), new Linear(3, 2, gen));
    Map<String, Tensor> state = net.stateDict();
    assertThat(state.keySet())
        .containsExactly(
            "0.weight",
            "0.bias",
            "1.weight",
            "1.bias",
            "1.running_mean",
            "1.running_var",
            "1.num_batches_tracked",
            "3.weight",
            "3.bias");
    int i = 0;
    for (Tensor t : state.values()) {
      if (t.dtype() == DType.FLOAT32) {
        float[] v = new float[t.numel()];
        for (int j = 0; j < v.length; j++) {
          v[j] = j + 10 * i;
        }
        t.copyFrom(Tensor.of(v, t.shape()));
      }
      i++;
    }
    float[] pytorch = {
      0, 1, 2, 3, 4, 5, 10, 11, 12, 20, 21, 22, 30, 31, 32, 70, 71, 72, 73, 74, 75, 80, 81
    };
    assertThat(ParameterVectors.parametersToVector(net.parameters()).toFloatArray())
        .containsExactly(pytorch);
    assertThat(ParameterVectors.toFloats(net.parameters(), null)).containsExactly(pytorch);
  }

  @Test
  void gradientsMoveThroughFlatVectorsWithZerosForMissingOnes() {
    List<Tensor> ps = three();
    ps.get(0).setGrad(Tensor.full(0.5, 2, 3));
    ps.get(2).setGrad(Tensor.of(new float[] {7, 8}, 1, 2));
    assertThat(ParameterVectors.gradientsToFloats(ps, null))
        .containsExactly(0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0, 0, 0, 7, 8);

    Tensor kept = ps.get(0).grad();
    ParameterVectors.floatsToGradients(THREE_FLAT, ps);
    assertThat(ps.get(0).grad()).isSameAs(kept); // written into the buffer it had
    assertThat(kept.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(ps.get(1).grad().toFloatArray()).containsExactly(10, 20, 30);
    assertThat(ps.get(2).grad().toFloatArray()).containsExactly(-1, -2);

    ParameterVectors.accumulateGradients(THREE_FLAT, ps);
    assertThat(ParameterVectors.gradientsToFloats(ps, new float[11]))
        .containsExactly(2, 4, 6, 8, 10, 12, 20, 40, 60, -2, -4);
  }

  @Test
  void outputArrayIsReusedOnlyWhenItHasTheRightLength() {
    float[] out = new float[11];
    assertThat(ParameterVectors.toFloats(three(), out)).isSameAs(out).containsExactly(THREE_FLAT);
    assertThat(ParameterVectors.toFloats(three(), new float[4])).hasSize(11);
  }

  /** Float64 tensors take the path through the tensors' backend, as a device tensor does. */
  @Test
  void otherDtypesGoThroughTheBackend() {
    List<Tensor> ps = three().stream().map(t -> t.to(DType.FLOAT64)).toList();
    assertThat(ParameterVectors.toFloats(ps, null)).containsExactly(THREE_FLAT);
    float[] flat = new float[11];
    flat[6] = 3.5f;
    flat[10] = -9;
    ParameterVectors.fromFloats(flat, ps);
    assertThat(ps.get(1).toDoubleArray()).containsExactly(3.5, 0, 0);
    assertThat(ps.get(2).toDoubleArray()).containsExactly(0, -9);

    ParameterVectors.accumulateGradients(THREE_FLAT, ps);
    ParameterVectors.accumulateGradients(THREE_FLAT, ps);
    assertThat(ps.get(2).grad().dtype()).isEqualTo(DType.FLOAT64);
    assertThat(ps.get(1).grad().toDoubleArray()).containsExactly(20, 40, 60);
  }

  @Test
  void batchNormBuffersRoundTripIncludingTheZeroDimensionalCount() {
    BatchNorm1d bn = new BatchNorm1d(2);
    List<Tensor> buffers =
        bn.buffers(); // running_mean [2], running_var [2], num_batches_tracked []
    assertThat(buffers.get(2).shape()).isEmpty();
    assertThat(buffers.get(2).dtype()).isEqualTo(DType.INT64);
    ParameterVectors.fromFloats(new float[] {0.25f, -1, 4, 9, 7}, buffers);
    assertThat(buffers.get(0).toDoubleArray()).containsExactly(0.25, -1);
    assertThat(buffers.get(1).toDoubleArray()).containsExactly(4, 9);
    assertThat(buffers.get(2).shape()).isEmpty();
    assertThat(buffers.get(2).toDoubleArray()).containsExactly(7);
    assertThat(ParameterVectors.toFloats(buffers, null)).containsExactly(0.25f, -1, 4, 9, 7);
  }

  @Test
  void wrongLengthsAndShapesFailNamingBothSizes() {
    assertThatThrownBy(() -> ParameterVectors.fromFloats(new float[10], three()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("flat vector has 10 values, but the 3 tensors have 11");
    assertThatThrownBy(() -> ParameterVectors.floatsToGradients(new float[12], three()))
        .hasMessageContaining("gradient vector has 12 values");
    assertThatThrownBy(
            () -> ParameterVectors.vectorToParameters(Tensor.of(THREE_FLAT, 1, 11), three()))
        .hasMessage("vector must be 1-D, got 2 dims");
    assertThatThrownBy(() -> ParameterVectors.parametersToVector(List.of()))
        .hasMessageContaining("parameters is empty");
  }
}
