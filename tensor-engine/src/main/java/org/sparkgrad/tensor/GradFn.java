package org.sparkgrad.tensor;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The operation that produced a non-leaf tensor, and how to push a gradient back through it. Named
 * as PyTorch names them ({@code AddBackward}, {@code MmBackward}, ...).
 */
public final class GradFn {
  /** Maps the gradient of an op's output to the gradients of its inputs (null where unneeded). */
  @FunctionalInterface
  interface Backward {
    Tensor[] apply(Tensor gradOutput);
  }

  private final String name;
  private final Tensor[] inputs;
  private Backward backward;

  GradFn(String name, Tensor[] inputs, Backward backward) {
    this.name = name;
    this.inputs = inputs;
    this.backward = backward;
  }

  /** The readable name, such as {@code MulBackward}. */
  public String name() {
    return name;
  }

  /** The op's tensor inputs, in argument order. */
  public List<Tensor> inputs() {
    return Collections.unmodifiableList(Arrays.asList(inputs));
  }

  Tensor[] rawInputs() {
    return inputs;
  }

  Tensor[] apply(Tensor gradOutput) {
    if (backward == null) {
      throw new IllegalStateException(
          "trying to backward through "
              + name
              + " a second time: its saved values were freed after the first backward(); "
              + "call backward(grad, true) to keep the graph");
    }
    return backward.apply(gradOutput);
  }

  void release() {
    backward = null;
  }

  @Override
  public String toString() {
    return "<" + name + ">";
  }
}
