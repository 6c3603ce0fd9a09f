package org.sparkgrad.ml.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.io.StateDict;
import org.sparkgrad.ml.EpochStats;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.ml.train.StepResult;
import org.sparkgrad.ml.train.TrainingCheckpoint;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Tensor;
import org.sparkgrad.util.Json;

/**
 * A {@link TrainingCheckpoint} as the files of one checkpoint folder:
 *
 * <ul>
 *   <li>{@code weights.safetensors}: the master weights as the network's state dict ({@code
 *       0.weight}, {@code 0.bias}, ...), readable by PyTorch's {@code safetensors};
 *   <li>{@code optimizer.safetensors}: the optimizer's {@code stateDict()};
 *   <li>{@code best.safetensors} (only with early stopping, when the best epoch is not the last):
 *       the best weights so far;
 *   <li>{@code state.json}: the format version, the run's fingerprint, the sampler position (epoch,
 *       step, global step), the partial sums of the current epoch, the history, and the
 *       early-stopping state. Doubles are written so that they read back bit for bit; NaN and the
 *       infinities as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 * </ul>
 */
public final class CheckpointCodec {
  /** The checkpoint format this version writes and reads. */
  public static final int FORMAT_VERSION = 1;

  static final String WEIGHTS = "weights.safetensors";
  static final String OPTIMIZER = "optimizer.safetensors";
  static final String BEST = "best.safetensors";
  static final String STATE = "state.json";

  private CheckpointCodec() {}

  /**
   * The files of {@code c}, a checkpoint of network {@code spec} in the run {@code fingerprint}.
   */
  public static Map<String, byte[]> encode(
      TrainingCheckpoint c, NetworkSpec spec, Map<String, String> fingerprint) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(WEIGHTS, safetensors(stateDict(spec, c.weights())));
    files.put(OPTIMIZER, safetensors(c.optimizerState()));
    if (c.bestWeights() != null) {
      files.put(BEST, safetensors(stateDict(spec, c.bestWeights())));
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("formatVersion", FORMAT_VERSION);
    s.put("fingerprint", fingerprint);
    s.put("epoch", c.epoch());
    s.put("step", c.step());
    s.put("globalStep", c.globalStep());
    Map<String, Object> partial = new LinkedHashMap<>();
    partial.put("lossSum", num(c.partial().lossSum()));
    partial.put("weightSum", num(c.partial().weightSum()));
    partial.put("metricSum", num(c.partial().metricSum()));
    partial.put("count", c.partial().count());
    partial.put("seconds", num(c.partialSeconds()));
    s.put("partial", partial);
    List<Object> history = new ArrayList<>();
    for (EpochStats e : c.history()) {
      history.add(HistoryJson.write(e));
    }
    s.put("history", history);
    Map<String, Object> early = new LinkedHashMap<>();
    early.put("bestLoss", num(c.bestLoss()));
    early.put("bestEpoch", c.bestEpoch());
    early.put("sinceBest", c.sinceBest());
    early.put("stopped", c.stopped());
    s.put("earlyStopping", early);
    files.put(STATE, Json.write(s).getBytes(StandardCharsets.UTF_8));
    return files;
  }

  /**
   * The fingerprint of the run that wrote {@code files}.
   *
   * @throws IllegalArgumentException if {@code state.json} is missing, damaged, or of a newer
   *     format
   */
  public static Map<String, String> fingerprint(Map<String, byte[]> files) {
    Map<String, Object> fp = Json.asObject(state(files).get("fingerprint"), STATE + " fingerprint");
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : fp.entrySet()) {
      out.put(e.getKey(), String.valueOf(e.getValue()));
    }
    return out;
  }

  /**
   * The checkpoint in {@code files}, for network {@code spec} (whose fingerprint matched).
   *
   * @throws IllegalArgumentException if a file is missing or damaged, naming it
   */
  public static TrainingCheckpoint decode(Map<String, byte[]> files, NetworkSpec spec) {
    Map<String, Object> s = state(files);
    Map<String, Object> partial = Json.asObject(s.get("partial"), STATE + " partial");
    Map<String, Object> early = Json.asObject(s.get("earlyStopping"), STATE + " earlyStopping");
    List<EpochStats> history = new ArrayList<>();
    for (Object o : Json.asList(s.get("history"), STATE + " history")) {
      history.add(HistoryJson.read(Json.asObject(o, STATE + " history entry")));
    }
    return new TrainingCheckpoint(
        weights(files, WEIGHTS, spec),
        StateDict.read(require(files, OPTIMIZER), OPTIMIZER),
        (int) integer(s, "epoch"),
        (int) integer(s, "step"),
        integer(s, "globalStep"),
        new StepResult(
            null,
            number(partial, "lossSum"),
            number(partial, "weightSum"),
            number(partial, "metricSum"),
            integer(partial, "count")),
        number(partial, "seconds"),
        history,
        files.containsKey(BEST) ? weights(files, BEST, spec) : null,
        number(early, "bestLoss"),
        (int) integer(early, "bestEpoch"),
        (int) integer(early, "sinceBest"),
        Boolean.TRUE.equals(early.get("stopped")));
  }

  private static Map<String, Object> state(Map<String, byte[]> files) {
    Map<String, Object> s =
        Json.parseObject(new String(require(files, STATE), StandardCharsets.UTF_8));
    if (!(s.get("formatVersion") instanceof Long v) || v < 1) {
      throw new IllegalArgumentException(STATE + " has no valid formatVersion");
    }
    if (v > FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "the checkpoint has format version "
              + v
              + ", newer than the version "
              + FORMAT_VERSION
              + " this Sparkgrad reads");
    }
    return s;
  }

  private static byte[] require(Map<String, byte[]> files, String name) {
    byte[] b = files.get(name);
    if (b == null) {
      throw new IllegalArgumentException(name + " is missing from the checkpoint");
    }
    return b;
  }

  private static float[] weights(Map<String, byte[]> files, String name, NetworkSpec spec) {
    Module net = spec.module(0);
    net.loadStateDict(StateDict.read(require(files, name), name));
    return Replica.flatWeights(net);
  }

  private static Map<String, Tensor> stateDict(NetworkSpec spec, float[] weights) {
    Module net = spec.module(0);
    TrainingCheckpoint.loadFlat(net, weights);
    return net.stateDict();
  }

  private static byte[] safetensors(Map<String, Tensor> tensors) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      StateDict.write(tensors, Map.of("format", "pt"), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A double as JSON holds it exactly: a number, or a string for NaN and the infinities. */
  static Object num(double v) {
    return Double.isFinite(v) ? (Object) v : Double.toString(v);
  }

  static double number(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String str
        && (str.equals("NaN") || str.equals("Infinity") || str.equals("-Infinity"))) {
      return Double.parseDouble(str);
    }
    throw new IllegalArgumentException(STATE + ": '" + key + "' is not a number: " + v);
  }

  static long integer(Map<String, Object> m, String key) {
    if (!(m.get(key) instanceof Long v)) {
      throw new IllegalArgumentException(
          STATE + ": '" + key + "' is not an integer: " + m.get(key));
    }
    return v;
  }
}
