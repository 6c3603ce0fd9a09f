package org.sparkgrad.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.data.DataLoader;
import org.sparkgrad.data.TensorDataset;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.optim.Adam;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * Trains an MLP 784-256-128-10 (ReLU, CrossEntropyLoss, Adam lr 1e-3) on Fashion-MNIST with
 * Sparkgrad and, in the same run, the same network in PyTorch on one thread; prints samples/s of
 * both and their ratio at batch sizes 32, 128 and 1024, then trains 5 epochs at batch 128 and
 * prints the test accuracy.
 *
 * <p>Run (see docs/BENCHMARKS.md): {@code env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java
 * --add-modules jdk.incubator.vector -cp 'benchmarks/target/*:benchmarks/target/lib/*'
 * org.sparkgrad.bench.MlpTrainingBenchmark [--data DIR] [--torch both|system|openblas|none]
 * [--samples N] [--reps R] [--epochs E]}.
 *
 * <p>PyTorch runs twice when it can: with the BLAS its build links ("system"; Debian's {@code
 * python3-torch} calls whatever {@code libblas.so.3} the alternatives system selects, often the
 * unoptimised reference BLAS), and with the OpenBLAS that Sparkgrad bundles preloaded ({@code
 * LD_PRELOAD}, so its {@code sgemm_} serves torch's GEMMs): the like-for-like comparison of the two
 * engines. Each side prints the library that serves its GEMMs.
 */
public final class MlpTrainingBenchmark {
  private static final double LR = 1e-3;

  private MlpTrainingBenchmark() {}

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    if (!FashionMnist.present(o.data)) {
      System.err.println(FashionMnist.howToInstall(o.data));
      System.exit(2);
    }
    System.out.println("== MLP 784-256-128-10 training on Fashion-MNIST, one thread ==");
    System.out.println("machine: " + Machine.describe());
    Machine.warnIfBlasTuned();
    FashionMnist ds = FashionMnist.load(o.data);
    System.out.printf(
        Locale.ROOT,
        "data: %d training and %d test images from %s%n",
        ds.trainX().size(0),
        ds.testX().size(0),
        o.data);

    // ---- Sparkgrad
    Map<Integer, Double> ours = new LinkedHashMap<>();
    for (int b : o.batches) {
      ours.put(b, throughput(ds, b, o));
    }
    System.out.println(
        "sparkgrad: "
            + Backends.cpu().description()
            + ", GEMM library "
            + Machine.mappedLibrary("openblas").map(Path::toString).orElse("(Java)"));
    for (Map.Entry<Integer, Double> e : ours.entrySet()) {
      System.out.printf(
          Locale.ROOT, "sparkgrad  batch %4d: %10.1f samples/s%n", e.getKey(), e.getValue());
    }

    // ---- PyTorch
    List<String> columns = new ArrayList<>();
    Map<String, TorchBaseline.Result> torch = new LinkedHashMap<>();
    String why = o.torch.equals("none") ? "--torch none" : TorchBaseline.unavailableReason();
    if (why != null) {
      System.out.println("note: PyTorch baseline skipped: " + why + "; Sparkgrad only");
    } else {
      Path openblas = Machine.mappedLibrary("libopenblas").orElse(null);
      boolean wantSystem = o.torch.equals("both") || o.torch.equals("system");
      boolean wantPreload = o.torch.equals("both") || o.torch.equals("openblas");
      if (wantPreload && openblas == null) {
        System.out.println("note: Sparkgrad is not on OpenBLAS here; no torch+OpenBLAS column");
        wantPreload = false;
      }
      // One accuracy run suffices (it does not depend on the BLAS): give it to the faster setup.
      if (wantSystem) {
        columns.add("system");
        torch.put("system", runTorch(o, null, !wantPreload, "torch/system BLAS | "));
      }
      if (wantPreload) {
        columns.add("openblas");
        torch.put("openblas", runTorch(o, openblas, true, "torch/OpenBLAS     | "));
      }
    }

    // ---- Summary
    System.out.println();
    System.out.println("== throughput (samples/s, best of " + o.reps + ") ==");
    for (String c : columns) {
      System.out.println("torch/" + c + ": " + torch.get(c).blas() + kindOf(torch.get(c).blas()));
    }
    StringBuilder head =
        new StringBuilder(String.format(Locale.ROOT, "%6s %12s", "batch", "sparkgrad"));
    for (String c : columns) {
      head.append(String.format(Locale.ROOT, " %16s %8s", "torch/" + c, "ratio"));
    }
    System.out.println(head);
    for (int b : o.batches) {
      StringBuilder row =
          new StringBuilder(String.format(Locale.ROOT, "%6d %12.1f", b, ours.get(b)));
      for (String c : columns) {
        Double t = torch.get(c).samplesPerSecond().get(b);
        row.append(
            t == null
                ? String.format(Locale.ROOT, " %16s %8s", "-", "-")
                : String.format(Locale.ROOT, " %16.1f %7.2fx", t, ours.get(b) / t));
      }
      System.out.println(row);
    }
    System.out.println(
        "(ratio = Sparkgrad samples/s / PyTorch samples/s; > 1 means Sparkgrad is faster)");

    if (o.epochs > 0) {
      System.out.println();
      System.out.println("== " + o.epochs + " epochs at batch 128, Adam lr " + LR + " ==");
      double[] acc = accuracyRun(ds, o.epochs);
      System.out.printf(
          Locale.ROOT, "sparkgrad: test accuracy %.4f (goal >= 0.87) in %.1f s%n", acc[0], acc[1]);
      for (String c : columns) {
        Map<String, String> a = torch.get(c).accuracy();
        if (a.containsKey("test_accuracy")) {
          System.out.printf(
              Locale.ROOT,
              "torch/%s: test accuracy %s in %s s%n",
              c,
              a.get("test_accuracy"),
              a.get("seconds"));
        }
      }
    }
    System.out.println("machine at the end: " + Machine.describe());
  }

  /** A reader's hint for the BLAS libraries this machine is likely to have. */
  private static String kindOf(String blas) {
    if (blas.contains("openblas")) {
      return " (OpenBLAS)";
    }
    if (blas.contains("/blas/libblas.so")) {
      return " (Debian's reference BLAS, package libblas3: unoptimised)";
    }
    return "";
  }

  static Sequential mlp(long seed) {
    Generator gen = new Generator(seed);
    return new Sequential(
        new Linear(784, 256, gen),
        new ReLU(),
        new Linear(256, 128, gen),
        new ReLU(),
        new Linear(128, 10, gen));
  }

  /** The best samples/s over {@code reps} timed runs of {@code samples / b} steps each. */
  private static double throughput(FashionMnist ds, int b, Options o) {
    Sequential model = mlp(0);
    Optimizer opt = new Adam(model.parameters(), LR);
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    int n = ds.trainX().size(0);
    int[] order = new Generator(1).permutation(n);
    int perEpoch = n / b;
    int steps = Math.max(1, o.samples / b);
    int[] pos = {0};
    Runnable step =
        () -> {
          int s = pos[0]++ % perEpoch;
          long[] idx = new long[b];
          for (int i = 0; i < b; i++) {
            idx[i] = order[s * b + i];
          }
          Tensor index = Tensor.wrapLongs(idx);
          opt.zeroGrad(false); // as torch 1.13 zero_grad(): keeps buffers
          Tensor loss =
              lossFn.forward(
                  model.forward(ds.trainX().indexSelect(0, index)),
                  ds.trainY().indexSelect(0, index));
          loss.backward();
          opt.step();
        };
    for (int i = 0; i < o.warmup; i++) {
      step.run();
    }
    double best = 0;
    for (int r = 0; r < o.reps; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        step.run();
      }
      best = Math.max(best, (double) steps * b / ((System.nanoTime() - t0) / 1e9));
    }
    return best;
  }

  /** Trains with a shuffled DataLoader; returns {test accuracy, seconds}. */
  private static double[] accuracyRun(FashionMnist ds, int epochs) {
    Sequential model = mlp(0);
    Optimizer opt = new Adam(model.parameters(), LR);
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    DataLoader<Tensor[]> loader =
        DataLoader.builder(new TensorDataset(ds.trainX(), ds.trainY()))
            .batchSize(128)
            .shuffle(true)
            .seed(0)
            .build();
    long t0 = System.nanoTime();
    for (int e = 0; e < epochs; e++) {
      model.train();
      double sum = 0;
      for (Tensor[] batch : loader) {
        opt.zeroGrad(false); // as torch 1.13 zero_grad(): keeps buffers
        Tensor loss = lossFn.forward(model.forward(batch[0]), batch[1]);
        loss.backward();
        opt.step();
        sum += loss.item();
      }
      System.out.printf(
          Locale.ROOT, "sparkgrad epoch %d: mean training loss %.4f%n", e + 1, sum / loader.len());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    model.eval();
    try (NoGrad ignored = NoGrad.enter()) {
      long[] predicted = model.forward(ds.testX()).softmax(1).argmax(1, false).toLongArray();
      long[] labels = ds.testY().toLongArray();
      int correct = 0;
      for (int i = 0; i < labels.length; i++) {
        correct += predicted[i] == labels[i] ? 1 : 0;
      }
      return new double[] {(double) correct / labels.length, seconds};
    }
  }

  private static TorchBaseline.Result runTorch(
      Options o, Path preload, boolean withAccuracy, String prefix)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--data", o.data.toString()));
    args.addAll(List.of("--mode", withAccuracy && o.epochs > 0 ? "both" : "throughput"));
    StringBuilder bs = new StringBuilder();
    for (int b : o.batches) {
      bs.append(bs.length() == 0 ? "" : ",").append(b);
    }
    args.addAll(List.of("--batches", bs.toString()));
    args.addAll(List.of("--samples", Integer.toString(o.samples)));
    args.addAll(List.of("--warmup", Integer.toString(o.warmup)));
    args.addAll(List.of("--reps", Integer.toString(o.reps)));
    args.addAll(List.of("--epochs", Integer.toString(o.epochs)));
    args.addAll(List.of("--optimizer", "adam", "--lr", Double.toString(LR)));
    return TorchBaseline.run(args, preload, prefix);
  }

  /** Command-line options. */
  private static final class Options {
    Path data = FashionMnist.DEFAULT_DIR;
    String torch = "both";
    int[] batches = {32, 128, 1024};
    int samples = 20480;
    int warmup = 10;
    int reps = 3;
    int epochs = 5;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + a + " needs a value");
        }
        String v = args[++i];
        switch (a) {
          case "--data" -> o.data = Path.of(v);
          case "--torch" -> {
            if (!List.of("both", "system", "openblas", "none").contains(v)) {
              throw new IllegalArgumentException(
                  "--torch must be both, system, openblas or none, got " + v);
            }
            o.torch = v;
          }
          case "--batches" ->
              o.batches =
                  java.util.Arrays.stream(v.split(",", -1)).mapToInt(Integer::parseInt).toArray();
          case "--samples" -> o.samples = positive(a, v);
          case "--warmup" -> o.warmup = Integer.parseInt(v);
          case "--reps" -> o.reps = positive(a, v);
          case "--epochs" -> o.epochs = Integer.parseInt(v);
          default ->
              throw new IllegalArgumentException(
                  "unknown option "
                      + a
                      + "; options: --data DIR, --torch both|system|openblas|none, --batches"
                      + " 32,128,1024, --samples N, --warmup N, --reps N, --epochs N");
        }
      }
      if (Files.exists(o.data) && !Files.isDirectory(o.data)) {
        throw new IllegalArgumentException("--data must be a folder, got file " + o.data);
      }
      return o;
    }

    private static int positive(String name, String v) {
      int n = Integer.parseInt(v);
      if (n <= 0) {
        throw new IllegalArgumentException(name + " must be > 0, got " + n);
      }
      return n;
    }
  }
}
