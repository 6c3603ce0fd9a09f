package org.sparkgrad.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PyTorch's side of the race: {@code race_torch.py} (a resource, beside the {@code
 * mlp_training_torch.py} it imports) in a {@code /usr/bin/python3} child process on one thread, its
 * JSON lines parsed into a {@link Curve}. With {@code preload}, that library is put in {@code
 * LD_PRELOAD} so that its {@code sgemm_} serves torch's GEMMs.
 */
final class TorchRace {
  private static final String[] SCRIPTS = {"race_torch.py", "mlp_training_torch.py"};

  private TorchRace() {}

  static Curve run(RaceOptions o, Path preload, String name)
      throws IOException, InterruptedException {
    return run(o, preload, name, "mlp");
  }

  /**
   * As {@link #run(RaceOptions, Path, String)}, training {@code model}: {@code mlp} or {@code cnn}.
   */
  static Curve run(RaceOptions o, Path preload, String name, String model)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("sparkgrad-race-");
    try {
      for (String s : SCRIPTS) {
        try (InputStream in = TorchRace.class.getResourceAsStream(s)) {
          if (in == null) {
            throw new IllegalStateException("resource " + s + " missing from the jar");
          }
          Files.copy(in, dir.resolve(s));
        }
      }
      List<String> cmd =
          List.of(
              TorchBaseline.PYTHON,
              dir.resolve(SCRIPTS[0]).toString(),
              "--data",
              o.data.toAbsolutePath().toString(),
              "--epochs",
              Integer.toString(o.epochs),
              "--batch",
              Integer.toString(o.batchSize),
              "--lr",
              Double.toString(o.lr),
              "--seed",
              Long.toString(o.seed),
              "--model",
              model);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("OMP_NUM_THREADS", "1");
      pb.environment().put("OPENBLAS_NUM_THREADS", "1");
      pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
      if (preload != null) {
        pb.environment().put("LD_PRELOAD", preload.toString());
      }
      Process p = pb.start();
      Curve curve = new Curve(name);
      ObjectMapper json = new ObjectMapper();
      List<Double> trainSeconds = new ArrayList<>();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          if (!line.startsWith("{")) {
            System.out.println("  [" + name + "] " + line);
            continue;
          }
          JsonNode n = json.readTree(line);
          switch (n.path("event").asText()) {
            case "setup" -> {
              curve.note("sgemm_ from " + n.path("sgemm").asText());
              System.out.printf(
                  Locale.ROOT,
                  "  [%s] torch %s, %d thread(s), sgemm_ from %s%n",
                  name,
                  n.path("torch").asText(),
                  n.path("threads").asInt(),
                  n.path("sgemm").asText());
            }
            case "epoch" -> {
              int e = n.path("epoch").asInt();
              double t = n.path("elapsed_seconds").asDouble();
              double a = n.path("test_accuracy").asDouble();
              trainSeconds.add(n.path("train_seconds").asDouble());
              curve.add(t, a, "epoch " + e);
              System.out.printf(
                  Locale.ROOT,
                  "  [%s] epoch %d: %.1f s since start, epoch training %.2f s, loss %.4f, test"
                      + " accuracy %.4f%n",
                  name,
                  e,
                  t,
                  n.path("train_seconds").asDouble(),
                  n.path("train_loss").asDouble(),
                  a);
            }
            default -> {}
          }
        }
      }
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IOException(name + ": race_torch.py exited with status " + rc);
      }
      List<Double> steady =
          trainSeconds.size() > 1 ? trainSeconds.subList(1, trainSeconds.size()) : trainSeconds;
      double sum = steady.stream().mapToDouble(Double::doubleValue).sum();
      curve.samplesPerSecond(o.trainRows * steady.size() / sum);
      return curve;
    } finally {
      for (String s : SCRIPTS) {
        Files.deleteIfExists(dir.resolve(s));
      }
      Files.deleteIfExists(dir);
    }
  }
}
