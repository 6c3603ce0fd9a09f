package org.sparkgrad.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Records ops into the graph and runs the reverse pass. */
final class Autograd {
  private Autograd() {}

  /**
   * Attaches {@code backward} to {@code out} if any input requires a gradient and recording is on.
   */
  static Tensor record(Tensor out, String name, GradFn.Backward backward, Tensor... inputs) {
    if (!NoGrad.isGradEnabled()) {
      return out;
    }
    for (Tensor t : inputs) {
      if (t != null && t.requiresGrad()) {
        out.attach(new GradFn(name, inputs, backward));
        return out;
      }
    }
    return out;
  }

  /**
   * Back-propagates {@code grad} from {@code root}: each node runs once, after every consumer has
   * added its contribution, and leaves accumulate into {@code .grad()}.
   */
  static void backward(Tensor root, Tensor grad, boolean retainGraph) {
    if (!root.requiresGrad()) {
      throw new IllegalStateException(
          "element 0 of tensors does not require grad and does not have a grad_fn");
    }
    if (!Arrays.equals(grad.shape(), root.shape())) {
      throw new IllegalArgumentException(
          "gradient has shape "
              + Shapes.str(grad.shape())
              + " but the tensor has shape "
              + Shapes.str(root.shape()));
    }
    List<Tensor> order = topologicalOrder(root);
    IdentityHashMap<Tensor, Tensor> grads = new IdentityHashMap<>();
    grads.put(root, grad);
    // Storages that a leaf now owns as its .grad (or that the caller owns): a second leaf that
    // receives the same storage (x + y passes one gradient to both) must get a copy, since leaf
    // gradients are later updated in place.
    Set<Object> owned = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    owned.add(grad.storage());
    // Storages of the sums this walk made for nodes not yet reached: nothing else holds them, so a
    // further contribution is added in place. A node's sum leaves the set when the node is reached,
    // since its backward may pass it on to several inputs.
    Set<Object> sums = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    try (NoGrad ignored = NoGrad.enter()) {
      for (int i = order.size() - 1; i >= 0; i--) {
        Tensor node = order.get(i);
        Tensor g = grads.remove(node);
        if (g == null) {
          continue;
        }
        sums.remove(g.storage());
        GradFn fn = node.gradFn();
        if (fn == null || node.retainsGrad()) {
          boolean exclusive = owned.add(g.storage());
          node.accumulateGrad(g, exclusive);
        }
        if (fn == null) {
          continue;
        }
        Tensor[] inputs = fn.rawInputs();
        Tensor[] inputGrads = fn.apply(g);
        for (int k = 0; k < inputs.length; k++) {
          Tensor in = inputs[k];
          if (in == null || !in.requiresGrad() || inputGrads[k] == null) {
            continue;
          }
          Tensor gk = inputGrads[k];
          if (!Arrays.equals(gk.shape(), in.shape())) {
            throw new IllegalStateException(
                fn.name()
                    + " returned a gradient of shape "
                    + Shapes.str(gk.shape())
                    + " for an input of shape "
                    + Shapes.str(in.shape()));
          }
          accumulate(grads, sums, in, gk);
        }
        if (!retainGraph) {
          fn.release();
        }
      }
    }
  }

  /**
   * Adds {@code gk} to the gradient collected for {@code in}: the first contribution is taken as
   * is, the second makes a new sum, later ones are added into that sum in place (the same float
   * additions in the same order, without a new buffer each).
   */
  private static void accumulate(
      IdentityHashMap<Tensor, Tensor> grads, Set<Object> sums, Tensor in, Tensor gk) {
    Tensor prev = grads.get(in);
    if (prev == null) {
      grads.put(in, gk);
    } else if (sums.contains(prev.storage())) {
      prev.addInPlace(gk);
    } else {
      Tensor sum = prev.add(gk);
      sums.add(sum.storage());
      grads.put(in, sum);
    }
  }

  /** Nodes that require grad, each after all of its inputs (iterative, for deep graphs). */
  private static List<Tensor> topologicalOrder(Tensor root) {
    List<Tensor> order = new ArrayList<>();
    Set<Tensor> visited = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {root, 0});
    visited.add(root);
    while (!stack.isEmpty()) {
      Object[] frame = stack.peek();
      Tensor t = (Tensor) frame[0];
      int next = (Integer) frame[1];
      Tensor[] inputs = t.gradFn() == null ? new Tensor[0] : t.gradFn().rawInputs();
      if (next < inputs.length) {
        frame[1] = next + 1;
        Tensor in = inputs[next];
        if (in != null && in.requiresGrad() && visited.add(in)) {
          stack.push(new Object[] {in, 0});
        }
      } else {
        stack.pop();
        order.add(t);
      }
    }
    return order;
  }
}
