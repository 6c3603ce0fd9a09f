package org.sparkgrad.ml.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkgrad.io.StateDict;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.ml.train.StepResult;
import org.sparkgrad.ml.train.TrainingCheckpoint;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Tensor;
import org.sparkgrad.util.StrictJson;

/**
 * A {@link TrainingCheckpoint} as the files of one checkpoint folder:
 *
 * <ul>
 *   <li>{@code weights.safetensors}: the master weights and buffers as the network's state dict
 *       ({@code 0.weight}, {@code 0.bias}, ..., batch norm's {@code 1.running_mean}, {@code
 *       1.running_var}, {@code 1.num_batches_tracked}), readable by PyTorch's {@code safetensors};
 *   <li>{@code optimizer.safetensors}: the optimizer's {@code stateDict()};
 *   <li>{@code best.safetensors} (only with early stopping, when the best epoch is not the last):
 *       the best weights so far, with their buffers;
 *   <li>{@code state.json}: the format version, the run's fingerprint, the sampler position (epoch,
 *       step, global step), the partial sums of the current epoch, the history, the early-stopping
 *       state, and with precision fp16 the loss scaler's state: a {@link CheckpointState} record,
 *       written and read by Jackson.
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
    files.put(WEIGHTS, safetensors(stateDict(spec, c.weights(), c.buffers())));
    files.put(OPTIMIZER, safetensors(c.optimizerState()));
    if (c.bestWeights() != null) {
      files.put(BEST, safetensors(stateDict(spec, c.bestWeights(), c.bestBuffers())));
    }
    CheckpointState s =
        new CheckpointState(
            FORMAT_VERSION,
            fingerprint,
            c.epoch(),
            c.step(),
            c.globalStep(),
            new CheckpointState.Partial(
                c.partial().lossSum(),
                c.partial().weightSum(),
                c.partial().metricSum(),
                c.partial().count(),
                c.partialSeconds()),
            c.history(),
            new CheckpointState.EarlyStopping(
                c.bestLoss(), c.bestEpoch(), c.sinceBest(), c.stopped()),
            c.hasLossScale()
                ? new CheckpointState.LossScale(c.lossScale(), c.lossScaleTracker())
                : null);
    files.put(STATE, StrictJson.write(s).getBytes(StandardCharsets.UTF_8));
    return files;
  }

  /**
   * The fingerprint of the run that wrote {@code files}.
   *
   * @throws IllegalArgumentException if {@code state.json} is missing, damaged, or of a newer
   *     format
   */
  public static Map<String, String> fingerprint(Map<String, byte[]> files) {
    Map<String, String> fp = state(files).fingerprint();
    if (fp == null) {
      throw new IllegalArgumentException(STATE + " has no fingerprint");
    }
    return fp;
  }

  /**
   * The checkpoint in {@code files}, for network {@code spec} (whose fingerprint matched).
   *
   * @throws IllegalArgumentException if a file is missing or damaged, naming it
   */
  public static TrainingCheckpoint decode(Map<String, byte[]> files, NetworkSpec spec) {
    CheckpointState s = state(files);
    CheckpointState.Partial partial = present(s.partial(), "partial");
    CheckpointState.EarlyStopping early = present(s.earlyStopping(), "earlyStopping");
    Module net = network(files, WEIGHTS, spec);
    Module best = files.containsKey(BEST) ? network(files, BEST, spec) : null;
    TrainingCheckpoint c =
        new TrainingCheckpoint(
            Replica.flatWeights(net),
            Replica.flatBuffers(net),
            StateDict.read(require(files, OPTIMIZER), OPTIMIZER),
            s.epoch(),
            s.step(),
            s.globalStep(),
            new StepResult(
                partial.lossSum(), partial.weightSum(), partial.metricSum(), partial.count()),
            partial.seconds(),
            present(s.history(), "history"),
            best == null ? null : Replica.flatWeights(best),
            best == null ? null : Replica.flatBuffers(best),
            early.bestLoss(),
            early.bestEpoch(),
            early.sinceBest(),
            early.stopped());
    CheckpointState.LossScale ls = s.lossScale();
    return ls == null ? c : c.withLossScale(ls.scale(), ls.growthTracker());
  }

  /**
   * Reads {@code state.json}: its {@code formatVersion} first, so that a newer format is named as
   * such rather than failing on a field this version does not know, then the whole record.
   */
  private static CheckpointState state(Map<String, byte[]> files) {
    Map<String, Object> tree;
    try {
      tree = StrictJson.parseObject(new String(require(files, STATE), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(STATE + " is damaged: " + e.getMessage(), e);
    }
    if (!(tree.get("formatVersion") instanceof Long v) || v < 1) {
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
    try {
      return StrictJson.mapper().convertValue(tree, CheckpointState.class);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(STATE + " is damaged: " + e.getMessage(), e);
    }
  }

  private static <T> T present(T value, String key) {
    if (value == null) {
      throw new IllegalArgumentException(STATE + " has no '" + key + "'");
    }
    return value;
  }

  private static byte[] require(Map<String, byte[]> files, String name) {
    byte[] b = files.get(name);
    if (b == null) {
      throw new IllegalArgumentException(name + " is missing from the checkpoint");
    }
    return b;
  }

  /** The network with the state dict (weights and buffers) of file {@code name} loaded. */
  private static Module network(Map<String, byte[]> files, String name, NetworkSpec spec) {
    Module net = spec.module(0);
    net.loadStateDict(StateDict.read(require(files, name), name));
    return net;
  }

  /** The state dict of {@code weights} and {@code buffers} (null: a new network's buffers). */
  private static Map<String, Tensor> stateDict(NetworkSpec spec, float[] weights, float[] buffers) {
    Module net = spec.module(0);
    TrainingCheckpoint.loadFlat(net, weights);
    if (buffers != null) {
      TrainingCheckpoint.loadBuffers(net, buffers);
    }
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
}
