package org.sparkgrad.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the PyTorch side ({@code mlp_training_torch.py}, shipped as a resource) in a {@code
 * /usr/bin/python3} child process on one thread, and parses its machine-readable result lines.
 */
final class TorchBaseline {
  static final String PYTHON = "/usr/bin/python3";
  private static final String SCRIPT = "mlp_training_torch.py";

  /** What one run printed: the BLAS line, samples/s per batch size, the accuracy line. */
  record Result(String blas, Map<Integer, Double> samplesPerSecond, Map<String, String> accuracy) {}

  private TorchBaseline() {}

  /** Null if python3 with torch can run here, else why not. */
  static String unavailableReason() {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      return PYTHON + " not found (apt-get install python3-torch for the PyTorch baseline)";
    }
    try {
      Process p =
          new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return "python3 cannot import torch ("
            + out.strip().lines().reduce((a, b) -> b).orElse("no output")
            + "); apt-get install python3-torch";
      }
      return null;
    } catch (IOException e) {
      return "could not start " + PYTHON + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * Runs the script with {@code args}; {@code preload} (or null) is put in {@code LD_PRELOAD} so
   * that its {@code sgemm_} serves torch's GEMMs. Every line the script prints is echoed with
   * {@code echoPrefix}.
   */
  static Result run(List<String> args, Path preload, String echoPrefix)
      throws IOException, InterruptedException {
    Path script = Files.createTempFile("sparkgrad-bench-", ".py");
    try {
      try (InputStream in = TorchBaseline.class.getResourceAsStream(SCRIPT)) {
        if (in == null) {
          throw new IllegalStateException("resource " + SCRIPT + " missing from the jar");
        }
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("OMP_NUM_THREADS", "1");
      pb.environment().put("OPENBLAS_NUM_THREADS", "1");
      if (preload != null) {
        pb.environment().put("LD_PRELOAD", preload.toString());
      }
      Process p = pb.start();
      String blas = "unknown";
      Map<Integer, Double> rates = new LinkedHashMap<>();
      Map<String, String> accuracy = new HashMap<>();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          System.out.println(echoPrefix + line);
          if (line.startsWith("BLAS ")) {
            blas = line.substring(5);
          } else if (line.startsWith("THROUGHPUT ")) {
            Map<String, String> kv = fields(line);
            rates.put(
                Integer.parseInt(kv.get("batch")), Double.parseDouble(kv.get("samples_per_s")));
          } else if (line.startsWith("ACCURACY ")) {
            accuracy = fields(line);
          }
        }
      }
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IOException("the PyTorch baseline exited with status " + rc);
      }
      return new Result(blas, rates, accuracy);
    } finally {
      Files.deleteIfExists(script);
    }
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
}
