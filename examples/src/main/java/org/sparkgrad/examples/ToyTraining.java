package org.sparkgrad.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sparkgrad.data.DataLoader;
import org.sparkgrad.data.TensorDataset;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.optim.SGD;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * The classic training loop on the toy data: a shuffled {@link DataLoader} that drops the last
 * incomplete batch, then per batch {@code zeroGrad}, forward, loss, {@code backward}, {@code step};
 * afterwards {@code eval()} and softmax + argmax for the accuracy on the training and test sets.
 */
public final class ToyTraining {
  /** What a run produced. */
  public record Result(
      Sequential model, double trainAccuracy, double testAccuracy, List<Double> epochLoss) {}

  private ToyTraining() {}

  public static void main(String[] args) {
    run(System.out, 10);
  }

  /** Trains the {@link SeedNetwork} for {@code epochs} epochs, printing progress to {@code out}. */
  public static Result run(PrintStream out, int epochs) {
    ToyData data = ToyData.blobs(200, 50, 7);
    DataLoader<Tensor[]> loader =
        DataLoader.builder(data.train())
            .batchSize(32)
            .shuffle(true)
            .seed(11)
            .dropLast(true)
            .build();
    out.printf(
        Locale.ROOT,
        "%d training samples, %d test samples, %d batches of 32 per epoch%n",
        data.train().size(),
        data.test().size(),
        loader.len());

    Sequential model = SeedNetwork.create(new Generator(42));
    Optimizer optimizer = new SGD(model.parameters(), new SGD.Options().lr(0.01).momentum(0.9));
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    List<Double> epochLoss = new ArrayList<>();
    for (int epoch = 0; epoch < epochs; epoch++) {
      model.train();
      double sum = 0;
      int batches = 0;
      for (Tensor[] batch : loader) {
        optimizer.zeroGrad();
        Tensor loss = lossFn.forward(model.forward(batch[0]), batch[1]);
        loss.backward();
        optimizer.step();
        sum += loss.item();
        batches++;
      }
      epochLoss.add(sum / batches);
      out.printf(
          Locale.ROOT,
          "epoch %2d  batches %d  mean loss %.6f%n",
          epoch + 1,
          batches,
          sum / batches);
    }
    double trainAcc = accuracy(model, data.train());
    double testAcc = accuracy(model, data.test());
    out.printf(Locale.ROOT, "train accuracy %.4f, test accuracy %.4f%n", trainAcc, testAcc);
    return new Result(model, trainAcc, testAcc, epochLoss);
  }

  /** The class with the largest softmax probability, per row of {@code x}, in eval mode. */
  public static Tensor predict(Module model, Tensor x) {
    model.eval();
    try (NoGrad ignored = NoGrad.enter()) {
      return model.forward(x).softmax(1).argmax(1, false);
    }
  }

  /** The share of {@code data}'s samples whose predicted class is their label. */
  public static double accuracy(Module model, TensorDataset data) {
    Tensor[] xy = data.tensors();
    long[] predicted = predict(model, xy[0]).toLongArray();
    long[] labels = xy[1].toLongArray();
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      correct += predicted[i] == labels[i] ? 1 : 0;
    }
    return (double) correct / labels.length;
  }
}
