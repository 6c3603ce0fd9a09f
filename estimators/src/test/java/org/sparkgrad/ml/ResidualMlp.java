package org.sparkgrad.ml;

import org.sparkgrad.nn.Dropout;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * A user's own network, written as the seed teaches: layers in the constructor, {@code forward}
 * composing them. {@code in -> input -> relu -> block (x + fc2(relu(fc1(x)))) -> output}, with an
 * optional dropout inside the block.
 */
public final class ResidualMlp extends Module {
  private final Linear input;
  private final Block block;
  private final Linear output;

  /** A residual block: {@code x + fc2(dropout(relu(fc1(x))))}. */
  static final class Block extends Module {
    private final Linear fc1;
    private final Dropout drop;
    private final Linear fc2;

    Block(int width, double dropout, Generator gen) {
      fc1 = addModule("fc1", new Linear(width, width, gen));
      drop = addModule("drop", new Dropout(dropout));
      fc2 = addModule("fc2", new Linear(width, width, gen));
    }

    @Override
    public Tensor forward(Tensor x) {
      return x.add(fc2.forward(drop.forward(fc1.forward(x).relu())));
    }
  }

  ResidualMlp(int in, int width, int out, double dropout, Generator gen) {
    input = addModule("input", new Linear(in, width, gen));
    block = addModule("block", new Block(width, dropout, gen));
    output = addModule("output", new Linear(width, out, gen));
  }

  @Override
  public Tensor forward(Tensor x) {
    return output.forward(block.forward(input.forward(x).relu()));
  }

  /** 4 features, width 16, 3 outputs: the blobs' classifier. */
  public static final class Factory implements ModuleFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public Module create(Generator gen) {
      return new ResidualMlp(4, 16, 3, 0, gen);
    }
  }

  /** {@link Factory}'s network with dropout 0.3 inside the block. */
  public static final class DropoutFactory implements ModuleFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public Module create(Generator gen) {
      return new ResidualMlp(4, 16, 3, 0.3, gen);
    }
  }
}
