package org.sparkgrad.nn;

import org.sparkgrad.tensor.Tensor;

/**
 * The base class of a module whose forward takes several tensors, as a PyTorch module whose {@code
 * forward(self, x, category)} has several arguments: the subclass writes only {@link
 * #forward(Tensor...)}, and {@link #forward(Tensor)} passes its one tensor on to it.
 *
 * <pre>{@code
 * class Wide extends MultiInputModule {
 *   final Linear dense;
 *   final Embedding category;
 *   ...
 *   public Tensor forward(Tensor... in) {
 *     expectInputs(in, 2);
 *     return dense.forward(in[0]).add(category.forward(in[1]));
 *   }
 * }
 * }</pre>
 */
public abstract class MultiInputModule extends Module {
  /** Passes {@code input} to {@link #forward(Tensor...)} as the only input. */
  @Override
  public final Tensor forward(Tensor input) {
    return forward(new Tensor[] {input});
  }

  /** Computes the module's output from its inputs. */
  @Override
  public abstract Tensor forward(Tensor... inputs);

  /**
   * Checks that {@code inputs} holds {@code n} tensors.
   *
   * @throws IllegalArgumentException naming this module and both counts
   */
  protected final void expectInputs(Tensor[] inputs, int n) {
    if (inputs.length != n) {
      throw new IllegalArgumentException(
          moduleName() + " takes " + n + " inputs, got " + inputs.length);
    }
  }
}
