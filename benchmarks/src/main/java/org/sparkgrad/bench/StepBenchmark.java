package org.sparkgrad.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One-thread training-step throughput of Sparkgrad against PyTorch in the same run (issue 17): the
 * MLP 784-256-128-10, the small CNN conv16-pool-conv32-pool-linear and the wider conv32-conv64 on
 * 28x28 inputs, at batch 64 and 256, each side in a fresh process per network and batch size, so
 * the "cold" figure is a first fit (the JVM's or Python's first steps, no warm-up) and the "warm"
 * one the best of several runs after a warm-up of a few seconds (a fixed time rather than a step
 * count, so that the JIT has compiled the step on a slow or busy machine too). Each side prints the
 * library serving its GEMMs and its convolutions. Sides alternate, network by network, so load from
 * other work hits both.
 *
 * <p>Both sides train on the same data: the first 16 batches of Fashion-MNIST's training set in
 * turn ({@code --data DIR}, by default where Debian's {@code dataset-fashion-mnist} puts it).
 * {@code --data random} trains instead on uniform random inputs with random labels, as this
 * benchmark did before: a pathological case for PyTorch, whose backward and Adam step run three to
 * five times slower on it than on real images (docs/BENCHMARKS.md), so it is not the baseline.
 *
 * <p>Run (docs/BENCHMARKS.md): {@code benchmarks/run.sh org.sparkgrad.bench.StepBenchmark [--nets
 * mlp,cnn,wide] [--batches 64,256] [--steps N] [--warmup-seconds S] [--reps N] [--data
 * DIR|random]}.
 */
public final class StepBenchmark {
  private static final String[] SCRIPTS = {"step_torch.py", "mlp_training_torch.py"};

  private StepBenchmark() {}

  /** One side's figures for one network and batch size. */
  record Side(double cold, double warm, double coldCpu, double warmCpu, String libs) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    List<String> nets = Arrays.asList(o.get("nets").split(",", -1));
    int steps = Integer.parseInt(o.get("steps"));
    String warmup = o.get("warmup-seconds");
    String reps = o.get("reps");
    System.out.println("== one-thread training step (zeroGrad, forward, loss, backward, Adam) ==");
    System.out.println("machine: " + Machine.describe());
    Machine.warnIfBlasTuned();
    String data = o.get("data");
    if (!data.equals("random") && !FashionMnist.present(Path.of(data))) {
      System.out.println(FashionMnist.howToInstall(Path.of(data)));
      System.exit(2);
    }
    System.out.println("data: " + (data.equals("random") ? "uniform random batches" : data));
    String torchMissing = TorchBaseline.unavailableReason();
    if (torchMissing != null) {
      System.out.println("PyTorch side skipped: " + torchMissing);
    }
    Path dir = Files.createTempDirectory("sparkgrad-step-");
    for (String s : SCRIPTS) {
      try (InputStream in = StepBenchmark.class.getResourceAsStream(s)) {
        if (in == null) {
          throw new IllegalStateException("resource " + s + " missing from the jar");
        }
        Files.copy(in, dir.resolve(s), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    List<String> rows = new ArrayList<>();
    for (String net : nets) {
      for (String b : o.get("batches").split(",", -1)) {
        int batch = Integer.parseInt(b);
        int n = Math.max(5, steps * 64 / batch);
        List<String> common = List.of(b, Integer.toString(n), warmup, reps, data);
        Side ours = run(javaCommand(net, common), "sparkgrad " + net + " b" + b + " | ");
        Side torch = null;
        if (torchMissing == null) {
          List<String> py = new ArrayList<>(List.of(TorchBaseline.PYTHON, "step_torch.py"));
          py.addAll(List.of("--net", net, "--batch", b, "--steps", Integer.toString(n)));
          py.addAll(List.of("--warmup-seconds", warmup, "--reps", reps, "--data", data));
          torch = run(py, "torch     " + net + " b" + b + " | ", dir);
        }
        rows.add(row(net, batch, ours, torch));
      }
    }
    System.out.println();
    System.out.println("== samples/s, one thread (ratio = Sparkgrad / PyTorch; > 1: faster) ==");
    System.out.println(
        "            per wall-clock second                          per CPU second of the process");
    System.out.println(
        "net   batch  cold: ours    torch  ratio  warm: ours    torch  ratio"
            + "  cold: ours    torch  ratio  warm: ours    torch  ratio");
    rows.forEach(System.out::println);
    System.out.println("machine at the end: " + Machine.describe());
  }

  private static String row(String net, int batch, Side ours, Side torch) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-5s %5d", net, batch));
    double[] mine = {ours.cold(), ours.warm(), ours.coldCpu(), ours.warmCpu()};
    double[] theirs =
        torch == null
            ? new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN}
            : new double[] {torch.cold(), torch.warm(), torch.coldCpu(), torch.warmCpu()};
    for (int i = 0; i < mine.length; i++) {
      b.append(
          String.format(
              Locale.ROOT, " %8.0f %8.0f %5.2fx", mine[i], theirs[i], mine[i] / theirs[i]));
    }
    return b.toString();
  }

  private static List<String> javaCommand(String net, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    cmd.add(StepNetworks.class.getName());
    cmd.add(net);
    cmd.addAll(args);
    return cmd;
  }

  private static Side run(List<String> cmd, String prefix)
      throws IOException, InterruptedException {
    return run(cmd, prefix, null);
  }

  private static Side run(List<String> cmd, String prefix, Path dir)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    Process p = pb.start();
    Map<String, Map<String, String>> lines = new HashMap<>();
    String libs = "";
    List<String> output = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        output.add(prefix + line);
        if (line.startsWith("COLD ") || line.startsWith("WARM ") || line.startsWith("LIBS ")) {
          System.out.println(prefix + line);
        }
        int sp = line.indexOf(' ');
        if (sp > 0) {
          lines.put(line.substring(0, sp), fields(line));
        }
        if (line.startsWith("LIBS ")) {
          libs = line.substring(5);
        }
      }
    }
    int rc = p.waitFor();
    if (rc != 0 || !lines.containsKey("COLD") || !lines.containsKey("WARM")) {
      output.forEach(System.out::println);
      throw new IOException(prefix + "exited with status " + rc + " before printing its figures");
    }
    return new Side(
        Double.parseDouble(lines.get("COLD").get("samples_per_s")),
        Double.parseDouble(lines.get("WARM").get("samples_per_s")),
        Double.parseDouble(lines.get("COLD").get("cpu_samples_per_s")),
        Double.parseDouble(lines.get("WARM").get("cpu_samples_per_s")),
        libs);
  }

  private static Map<String, String> fields(String line) {
    Map<String, String> kv = new HashMap<>();
    for (String tok : line.split(" ", -1)) {
      int eq = tok.indexOf('=');
      if (eq > 0) {
        kv.put(tok.substring(0, eq), tok.substring(eq + 1));
      }
    }
    return kv;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    o.put("nets", "mlp,cnn,wide");
    o.put("batches", "64,256");
    o.put("steps", "100");
    o.put("warmup-seconds", "5");
    o.put("reps", "3");
    o.put("data", FashionMnist.DEFAULT_DIR.toString());
    for (int i = 0; i < args.length; i += 2) {
      String key = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!o.containsKey(key) || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "unknown option or missing value: "
                + args[i]
                + " (options: --nets --batches --steps --warmup-seconds --reps --data)");
      }
      o.put(key, args[i + 1]);
    }
    return o;
  }
}
