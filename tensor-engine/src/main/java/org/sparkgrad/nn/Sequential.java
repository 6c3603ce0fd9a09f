package org.sparkgrad.nn;

import org.sparkgrad.tensor.Tensor;

/**
 * A chain of modules applied in order, as PyTorch's {@code nn.Sequential}; the children are named
 * {@code 0, 1, 2, ...}, so parameters are named {@code 0.weight}, {@code 2.bias}, and so on.
 */
public final class Sequential extends Module {
  /** The given modules, in order. */
  public Sequential(Module... modules) {
    for (Module m : modules) {
      add(m);
    }
  }

  /** Appends {@code module} under the next index, as PyTorch's {@code append}. Returns this. */
  public Sequential add(Module module) {
    addModule(Integer.toString(size()), module);
    return this;
  }

  /** The module at {@code index} (negative counts from the end). */
  public Module get(int index) {
    int n = size();
    int i = index < 0 ? index + n : index;
    if (i < 0 || i >= n) {
      throw new IndexOutOfBoundsException(
          "index " + index + " is out of range for a Sequential of " + n + " modules");
    }
    return getSubmodule(Integer.toString(i));
  }

  /** The number of modules. */
  public int size() {
    return namedChildren().size();
  }

  /** Applies every module in turn. */
  @Override
  public Tensor forward(Tensor input) {
    Tensor x = input;
    for (Module m : children()) {
      x = m.forward(x);
    }
    return x;
  }
}
