package org.sparkgrad.ml;

import java.util.List;
import org.sparkgrad.nn.Embedding;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.MultiInputModule;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * A user module of two inputs, as a PyTorch module with {@code forward(self, dense, category)}: a
 * dense vector and a category index per row; {@code out(relu(hidden(cat(dense, emb(category)))))}.
 */
public final class WideModule extends MultiInputModule {
  private final Embedding emb;
  private final Linear hidden;
  private final Linear out;

  WideModule(int dense, int categories, int outputs, Generator gen) {
    emb = addModule("emb", new Embedding(categories, 3, gen));
    hidden = addModule("hidden", new Linear(dense + 3, 8, gen));
    out = addModule("out", new Linear(8, outputs, gen));
  }

  @Override
  public Tensor forward(Tensor... in) {
    expectInputs(in, 2);
    Tensor h = Tensor.cat(List.of(in[0], emb.forward(in[1])), 1);
    return out.forward(hidden.forward(h).relu());
  }

  /** 2 dense features, 4 categories, 2 classes: {@link SeveralInputsFitTest}'s data. */
  public static final class Factory implements ModuleFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public Module create(Generator gen) {
      return new WideModule(2, 4, 2, gen);
    }
  }
}
