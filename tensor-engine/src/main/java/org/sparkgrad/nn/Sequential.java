package org.sparkgrad.nn;

import java.util.List;
import org.sparkgrad.backend.UnaryOp;
import org.sparkgrad.tensor.FusedOps;
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

  /**
   * Applies every module in turn. A {@link Linear} with a bias followed by {@link ReLU}, {@link
   * Tanh} or {@link Sigmoid} runs as one fused layer ({@link FusedOps#linearActivation}: the same
   * values within float rounding, one pass over the output instead of three), and a {@link ReLU}
   * followed by a {@link MaxPool2d} as one pool ({@link FusedOps#reluMaxPool2d}: the same values
   * and gradients bit for bit, without ReLU's output), unless {@code -Dsparkgrad.fused=false}.
   */
  @Override
  public Tensor forward(Tensor input) {
    Tensor x = input;
    List<Module> modules = children();
    boolean fuse = FusedOps.enabled();
    for (int i = 0; i < modules.size(); i++) {
      Module m = modules.get(i);
      UnaryOp act = fuse && i + 1 < modules.size() ? fusedActivation(m, modules.get(i + 1)) : null;
      if (act != null) {
        x = ((Linear) m).forwardActivated(x, act);
        i++;
      } else if (fuse
          && m.getClass() == ReLU.class
          && i + 1 < modules.size()
          && modules.get(i + 1) instanceof MaxPool2d pool) {
        x = pool.forwardAfterRelu(x);
        i++;
      } else {
        x = m.forward(x);
      }
    }
    return x;
  }

  /** The activation {@code next} applies when {@code m} is a Linear with a bias; else null. */
  private static UnaryOp fusedActivation(Module m, Module next) {
    if (!(m instanceof Linear linear) || linear.bias() == null) {
      return null;
    }
    if (next.getClass() == ReLU.class) {
      return UnaryOp.RELU;
    }
    if (next.getClass() == Tanh.class) {
      return UnaryOp.TANH;
    }
    return next.getClass() == Sigmoid.class ? UnaryOp.SIGMOID : null;
  }
}
