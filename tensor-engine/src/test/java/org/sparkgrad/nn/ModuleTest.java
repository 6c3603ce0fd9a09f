package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/** Parameters, children, modes, state dicts and devices of {@link Module}. */
class ModuleTest {
  private static Sequential mlp() {
    return new Sequential(
        new Linear(50, 30, 1L),
        new ReLU(),
        new Linear(30, 20, 2L),
        new ReLU(),
        new Linear(20, 3, 3L));
  }

  @Test
  void namedParametersAreDottedAndInRegistrationOrder() {
    Sequential m = mlp();
    assertThat(new ArrayList<>(m.namedParameters().keySet()))
        .containsExactly("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias");
    assertThat(m.namedParameters().get("2.weight").shape()).containsExactly(20, 30);
    assertThat(m.parameters()).hasSize(6);
    assertThat(m.parameters().get(0)).isSameAs(((Linear) m.get(0)).weight());
    assertThat(m.getParameter("4.bias")).isSameAs(((Linear) m.get(4)).bias());
    assertThat(m.numParameters()).isEqualTo(2213L);
    assertThat(m.children()).hasSize(5);
    assertThat(m.get(1)).isInstanceOf(ReLU.class);
    assertThat(m.get(-1)).isSameAs(m.get(4));
    assertThat(m.size()).isEqualTo(5);
  }

  @Test
  void sequentialAddAppendsUnderTheNextIndex() {
    Sequential m = new Sequential(new Linear(2, 3, 0L));
    m.add(new Tanh()).add(new Linear(3, 1, false, 0L));
    assertThat(m.namedChildren().keySet()).containsExactly("0", "1", "2");
    assertThat(m.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "2.weight");
    assertThat(m.forward(Tensor.ones(4, 2)).shape()).containsExactly(4, 1);
    assertThatThrownBy(() -> m.get(3))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("index 3")
        .hasMessageContaining("3 modules");
  }

  @Test
  void aSharedParameterIsListedOnce() {
    Linear a = new Linear(3, 3, 0L);
    Linear b = new Linear(3, 3, 1L);
    b.registerParameter("weight", a.weight());
    Sequential m = new Sequential(a, b);
    assertThat(m.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "1.bias");
    assertThat(m.numParameters()).isEqualTo(9 + 3 + 3);
    assertThat(m.stateDict().keySet()).contains("1.weight");
  }

  @Test
  void stateDictHasParametersThenBuffersPerModuleAndSharesStorage() {
    Sequential m = new Sequential(new Linear(2, 3, 0L), new BatchNorm1d(3), new Linear(3, 1, 0L));
    assertThat(new ArrayList<>(m.stateDict().keySet()))
        .containsExactly(
            "0.weight",
            "0.bias",
            "1.weight",
            "1.bias",
            "1.running_mean",
            "1.running_var",
            "1.num_batches_tracked",
            "2.weight",
            "2.bias");
    assertThat(m.namedBuffers().keySet())
        .containsExactly("1.running_mean", "1.running_var", "1.num_batches_tracked");
    assertThat(m.stateDict().get("1.num_batches_tracked").dtype()).isEqualTo(DType.INT64);
    Tensor w = m.stateDict().get("0.weight");
    assertThat(w.requiresGrad()).isFalse();
    try (NoGrad ignored = NoGrad.enter()) {
      m.getParameter("0.weight").fillInPlace(0.25);
    }
    assertThat(w.toFloatArray()).containsOnly(0.25f);
  }

  @Test
  void aNonPersistentBufferIsLeftOutOfTheStateDict() {
    Module m = new ReLU();
    m.registerBuffer("scratch", Tensor.zeros(2), false);
    m.registerBuffer("kept", Tensor.zeros(2));
    assertThat(m.stateDict().keySet()).containsExactly("kept");
    assertThat(m.namedBuffers().keySet()).containsExactly("scratch", "kept");
  }

  @Test
  void loadStateDictCopiesIntoTheExistingTensors() {
    Sequential source = new Sequential(new Linear(4, 3, 5L), new BatchNorm1d(3));
    source.forward(Tensor.randn(new org.sparkgrad.tensor.Generator(1), 6, 4));
    Sequential target = new Sequential(new Linear(4, 3, 6L), new BatchNorm1d(3));
    Tensor weightBefore = target.getParameter("0.weight");
    target.loadStateDict(source.stateDict());
    assertThat(target.getParameter("0.weight")).isSameAs(weightBefore);
    assertThat(weightBefore.requiresGrad()).isTrue();
    for (Map.Entry<String, Tensor> e : source.stateDict().entrySet()) {
      assertThat(target.stateDict().get(e.getKey()).toDoubleArray())
          .as(e.getKey())
          .isEqualTo(e.getValue().toDoubleArray());
    }
    assertThat(target.getBuffer("1.num_batches_tracked").item()).isEqualTo(1.0);
    // float64 values are converted to the parameter's float32.
    Map<String, Tensor> doubles = new LinkedHashMap<>(source.stateDict());
    doubles.put("0.bias", Tensor.of(new double[] {1, 2, 3}));
    target.loadStateDict(doubles);
    assertThat(target.getParameter("0.bias").dtype()).isEqualTo(DType.FLOAT32);
    assertThat(target.getParameter("0.bias").toFloatArray()).containsExactly(1f, 2f, 3f);
  }

  @Test
  void loadStateDictNamesEveryMissingUnexpectedAndMisShapedEntryAndCopiesNothing() {
    Sequential m = mlp();
    float[] before = m.getParameter("0.bias").toFloatArray();
    Map<String, Tensor> state = new LinkedHashMap<>(mlp().stateDict());
    state.put("0.bias", Tensor.ones(30).mul(7));
    state.remove("2.bias");
    state.remove("4.weight");
    state.put("5.weight", Tensor.zeros(3));
    state.put("2.weight", Tensor.zeros(30, 20));
    assertThatThrownBy(() -> m.loadStateDict(state))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Error(s) in loading state_dict for Sequential")
        .hasMessageContaining("Missing key(s) in state_dict: \"2.bias\", \"4.weight\".")
        .hasMessageContaining("Unexpected key(s) in state_dict: \"5.weight\".")
        .hasMessageContaining(
            "size mismatch for 2.weight: copying a param with shape [30, 20] from checkpoint,"
                + " the shape in current model is [20, 30].");
    assertThat(m.getParameter("0.bias").toFloatArray()).isEqualTo(before);
  }

  @Test
  void nonStrictLoadReturnsTheSkippedKeys() {
    Sequential m = mlp();
    Map<String, Tensor> state = new LinkedHashMap<>(mlp().stateDict());
    state.remove("4.bias");
    state.put("extra", Tensor.zeros(1));
    state.put("0.bias", Tensor.full(3, 30));
    StateDicts.IncompatibleKeys skipped = m.loadStateDict(state, false);
    assertThat(skipped.missingKeys()).containsExactly("4.bias");
    assertThat(skipped.unexpectedKeys()).containsExactly("extra");
    assertThat(m.getParameter("0.bias").toFloatArray()).containsOnly(3f);
    state.put("0.weight", Tensor.zeros(1));
    assertThatThrownBy(() -> m.loadStateDict(state, false))
        .hasMessageContaining("size mismatch for 0.weight");
  }

  @Test
  void zeroGradClearsEveryGradient() {
    Sequential m = mlp();
    m.forward(Tensor.ones(2, 50)).sum().backward();
    assertThat(m.parameters()).allSatisfy(p -> assertThat(p.grad()).isNotNull());
    m.zeroGrad();
    assertThat(m.parameters()).allSatisfy(p -> assertThat(p.grad()).isNull());
  }

  @Test
  void toDeviceKeepsTensorsAlreadyThere() {
    Sequential m = mlp();
    List<Tensor> before = m.parameters();
    assertThat(m.to(Device.CPU)).isSameAs(m);
    assertThat(m.parameters()).containsExactlyElementsOf(before);
  }

  @Test
  void toDTypeConvertsFloatingTensorsAndKeepsInt64Buffers() {
    Sequential m = new Sequential(new Linear(2, 3, 0L), new BatchNorm1d(3));
    float[] w = m.getParameter("0.weight").toFloatArray();
    m.forward(Tensor.ones(2, 2)).sum().backward();
    m.to(DType.FLOAT64);
    Tensor w64 = m.getParameter("0.weight");
    assertThat(w64.dtype()).isEqualTo(DType.FLOAT64);
    assertThat(w64.isLeaf()).isTrue();
    assertThat(w64.requiresGrad()).isTrue();
    assertThat(w64.grad().dtype()).isEqualTo(DType.FLOAT64);
    assertThat(w64.toFloatArray()).isEqualTo(w);
    assertThat(m.getBuffer("1.running_var").dtype()).isEqualTo(DType.FLOAT64);
    assertThat(m.getBuffer("1.num_batches_tracked").dtype()).isEqualTo(DType.INT64);
    assertThat(m.forward(Tensor.ones(2, 2).to(DType.FLOAT64)).dtype()).isEqualTo(DType.FLOAT64);
    assertThatThrownBy(() -> m.to(DType.INT64)).hasMessageContaining("floating-point");
  }

  @Test
  void registrationRejectsBadNamesAndNonLeafParameters() {
    Module m = new Linear(2, 2, 0L);
    assertThatThrownBy(() -> m.registerParameter("a.b", Tensor.zeros(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a.b'");
    assertThatThrownBy(() -> m.registerParameter("", Tensor.zeros(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.registerBuffer("weight", Tensor.zeros(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'weight' already exists");
    assertThatThrownBy(() -> m.addModule("bias", new ReLU()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bias' already exists");
    Tensor leaf = Tensor.ones(2).requiresGrad(true);
    assertThatThrownBy(() -> m.registerParameter("scale", leaf.mul(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaf");
    assertThatThrownBy(() -> m.registerParameter("idx", Tensor.ofLongs(new long[] {1})))
        .hasMessageContaining("floating-point");
  }

  @Test
  void lookupsNameWhatIsMissing() {
    Sequential m = mlp();
    assertThatThrownBy(() -> m.getSubmodule("0.7"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no submodule '7'")
        .hasMessageContaining("'0.7'");
    assertThatThrownBy(() -> m.getParameter("1.weight"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ReLU has no parameter 'weight'");
    assertThatThrownBy(() -> m.getBuffer("0.running_mean"))
        .hasMessageContaining("Linear has no buffer 'running_mean'");
  }

  @Test
  void aUserDefinedModuleComposesLayers() {
    class Residual extends Module {
      final Linear inner;

      Residual() {
        inner = addModule("inner", new Linear(3, 3, 4L));
        registerParameter("scale", Tensor.ones(1).requiresGrad(true));
      }

      @Override
      public Tensor forward(Tensor input) {
        return input.add(inner.forward(input).mul(param("scale")));
      }
    }
    Residual r = new Residual();
    assertThat(r.namedParameters().keySet()).containsExactly("scale", "inner.weight", "inner.bias");
    assertThat(r.toString())
        .isEqualTo("Residual(\n  (inner): Linear(in_features=3, out_features=3, bias=True)\n)");
    r.forward(Tensor.ones(2, 3)).sum().backward();
    assertThat(r.getParameter("scale").grad()).isNotNull();
  }
}
