package org.sparkgrad.it.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sparkgrad.io.StateDict;
import org.sparkgrad.tensor.Tensor;

/** What the cluster tests share about a TrainJob run: its spark-submit line and its saved model. */
public final class TrainJobRuns {
  private TrainJobRuns() {}

  /**
   * The spark-submit arguments of TrainJob from the cluster jar, with 768 MiB executors.
   *
   * @param conf Spark settings, each {@code key=value}
   * @param jobArgs TrainJob's own options
   */
  public static List<String> submitArgs(List<String> conf, List<String> jobArgs) {
    List<String> args = new ArrayList<>(List.of("--class", "org.sparkgrad.examples.TrainJob"));
    args.addAll(List.of("--conf", "spark.executor.memory=768m"));
    for (String c : conf) {
      args.addAll(List.of("--conf", c));
    }
    args.add(DistJar.path().toString());
    args.addAll(jobArgs);
    return args;
  }

  /** A saved model's weights, every tensor flattened in name order. */
  public static float[] weights(Path model) throws IOException {
    Map<String, Tensor> state =
        new TreeMap<>(StateDict.load(model.resolve("data/weights.safetensors")));
    int n = state.values().stream().mapToInt(Tensor::numel).sum();
    float[] out = new float[n];
    int off = 0;
    for (Tensor t : state.values()) {
      float[] v = t.toFloatArray();
      System.arraycopy(v, 0, out, off, v.length);
      off += v.length;
    }
    return out;
  }
}
