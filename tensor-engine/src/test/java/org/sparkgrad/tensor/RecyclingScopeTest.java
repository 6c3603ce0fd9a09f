package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.cpu.CpuStorage;
import org.sparkgrad.backend.cpu.HostBufferPool;
import org.sparkgrad.nn.Conv2d;
import org.sparkgrad.nn.Flatten;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.MaxPool2d;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.optim.Adam;
import org.sparkgrad.optim.Optimizer;

/** Recycling device scopes on the CPU: buffer reuse, its safety, and unchanged results. */
class RecyclingScopeTest {
  @AfterEach
  void emptyPool() {
    HostBufferPool.clear();
  }

  @Test
  void trainingStepsAreBitwiseTheSameWithAndWithoutTheScope() {
    for (boolean setToNone : new boolean[] {true, false}) {
      List<float[]> plain = train(false, setToNone);
      List<float[]> recycled = train(true, setToNone);
      for (int i = 0; i < plain.size(); i++) {
        assertThat(recycled.get(i))
            .as("parameter %d, setToNone=%s", i, setToNone)
            .containsExactly(plain.get(i));
      }
    }
  }

  /**
   * The convolution's patches, products and gradients are written whole into buffers the scope
   * hands out unzeroed: a padded CNN trained on a new batch each step ends bitwise where it does
   * without the scope (an element left unwritten would hold the previous step's value).
   */
  @Test
  void cnnTrainingStepsAreBitwiseTheSameWithAndWithoutTheScope() {
    List<float[]> plain = trainCnn(false);
    List<float[]> recycled = trainCnn(true);
    for (int i = 0; i < plain.size(); i++) {
      assertThat(recycled.get(i)).as("parameter %d", i).containsExactly(plain.get(i));
    }
  }

  @Test
  void theNextStepReusesTheReleasedBuffers() {
    Tensor w = Tensor.randn(new Generator(3), 64, 32).requiresGrad(true);
    Tensor x = Tensor.randn(new Generator(4), 16, 32);
    Set<float[]> first = forward(w, x);
    assertThat(HostBufferPool.pooledBytes()).isPositive();
    Set<float[]> second = forward(w, x);
    // Same shapes: every buffer of the second step is one the first step released.
    assertThat(first).containsAll(second);
    assertThat(second).isNotEmpty();
  }

  @Test
  void reusedBuffersNeverAliasALiveTensor() {
    Tensor w = Tensor.randn(new Generator(5), 64, 32).requiresGrad(true);
    Tensor x = Tensor.randn(new Generator(6), 16, 32);
    step(w, x);
    float[] grad = w.grad().toFloatArray();
    float[] weights = w.toFloatArray();
    try (DeviceScope scope = DeviceScope.openRecycling(List.of(w))) {
      List<Tensor> live = new ArrayList<>();
      Set<float[]> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
      arrays.add(floats(w));
      arrays.add(floats(w.grad()));
      for (int i = 0; i < 40; i++) {
        // Shapes of the released buffers (w's gradient's too), filled so an alias would show.
        Tensor t = i % 2 == 0 ? Tensor.full(7, 64, 32) : x.matmul(w.t()).add(i);
        live.add(t);
        assertThat(arrays.add(floats(t))).as("tensor %d has a buffer already in use", i).isTrue();
      }
      assertThat(live.get(0).toFloatArray()).containsOnly(7f);
    }
    assertThat(w.grad().toFloatArray()).containsExactly(grad);
    assertThat(w.toFloatArray()).containsExactly(weights);
  }

  @Test
  void zeroFilledTensorsReadZerosFromARecycledBuffer() {
    try (DeviceScope scope = DeviceScope.openRecycling(List.of())) {
      Tensor.full(5, 1000);
    }
    try (DeviceScope scope = DeviceScope.openRecycling(List.of())) {
      Tensor z = Tensor.zeros(1000);
      assertThat(HostBufferPool.pooledBytes()).isZero();
      assertThat(z.toFloatArray()).containsOnly(0f);
    }
  }

  @Test
  void aTensorUsedAfterItsScopeFailsInsteadOfReadingAReusedBuffer() {
    Tensor escaped;
    try (DeviceScope scope = DeviceScope.openRecycling(List.of())) {
      escaped = Tensor.ones(10).mul(3);
    }
    assertThatThrownBy(escaped::toFloatArray)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("recycling DeviceScope");
  }

  @Test
  void keptTensorsSurviveAndPlainScopesAndOtherDtypesAreNotPooled() {
    Tensor kept;
    Tensor longs;
    try (DeviceScope outer = DeviceScope.open(List.of())) {
      try (DeviceScope scope = DeviceScope.openRecycling(List.of())) {
        kept = scope.keep(Tensor.ones(10).mul(2));
        longs = Tensor.arange(10).add(1);
      }
    }
    // Only the float32 intermediates went to the pool: ones(10) and mul's 0-d operand 2, 44 bytes;
    // not the kept product, nor the int64 tensors, nor (the plain outer scope leaving CPU tensors
    // to the garbage collector) anything when the outer scope closed.
    assertThat(HostBufferPool.pooledBytes()).isEqualTo(44);
    assertThat(kept.toFloatArray()).containsOnly(2f);
    assertThat(longs.toLongArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  }

  /** The buffers of {@code relu(x w^T)} and its pre-activation, made in a recycling scope. */
  private static Set<float[]> forward(Tensor w, Tensor x) {
    Set<float[]> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
    try (DeviceScope scope = DeviceScope.openRecycling(List.of(w))) {
      Tensor h = x.matmul(w.t());
      arrays.add(floats(h));
      arrays.add(floats(h.relu()));
    }
    return arrays;
  }

  /** One forward and backward of {@code relu(x w^T).sum()} in a recycling scope keeping w. */
  private static Set<float[]> step(Tensor w, Tensor x) {
    Set<float[]> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
    try (DeviceScope scope = DeviceScope.openRecycling(List.of(w))) {
      w.zeroGrad(false);
      Tensor h = x.matmul(w.t());
      Tensor r = h.relu();
      r.sum().backward();
      arrays.add(floats(h));
      arrays.add(floats(r));
    }
    return arrays;
  }

  private static List<float[]> train(boolean recycle, boolean setToNone) {
    Generator g = new Generator(11);
    Module net = new Sequential(new Linear(20, 16, g), new ReLU(), new Linear(16, 5, g));
    Tensor x = Tensor.randn(g, 8, 20);
    Tensor y = Tensor.ofLongs(new long[] {0, 1, 2, 3, 4, 0, 1, 2}, 8);
    return train(net, recycle, setToNone, i -> new Tensor[] {x, y});
  }

  private static List<float[]> trainCnn(boolean recycle) {
    Generator g = new Generator(12);
    Module net =
        new Sequential(
            new Conv2d(2, 4, 3, 1, 1, true, g),
            new ReLU(),
            new MaxPool2d(2),
            new Conv2d(4, 3, 3, 1, 0, false, g),
            new ReLU(),
            new Flatten(),
            new Linear(3 * 2 * 2, 5, g));
    return train(
        net,
        recycle,
        false,
        i ->
            new Tensor[] {
              Tensor.randn(g, 6, 2, 8, 8), Tensor.ofLongs(new long[] {0, 1, 2, 3, 4, i}, 6)
            });
  }

  /** Four Adam steps on the batches {@code batch} gives for steps 0-3; the parameters after. */
  private static List<float[]> train(
      Module net, boolean recycle, boolean setToNone, IntFunction<Tensor[]> batch) {
    Optimizer opt = new Adam(net.parameters(), 1e-2);
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    for (int i = 0; i < 4; i++) {
      Tensor[] xy = batch.apply(i);
      opt.zeroGrad(setToNone);
      try (DeviceScope scope = recycle ? DeviceScope.openRecycling(net.parameters()) : null) {
        lossFn.forward(net.forward(xy[0]), xy[1]).backward();
      }
      opt.step();
    }
    List<float[]> out = new ArrayList<>();
    for (Tensor p : net.parameters()) {
      out.add(p.toFloatArray());
    }
    return out;
  }

  private static float[] floats(Tensor t) {
    return ((CpuStorage) t.storage()).floats();
  }
}
