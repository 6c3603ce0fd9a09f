package org.sparkgrad.ml.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What makes two fits the same run, so that one may resume the other's checkpoint: the network, the
 * loss, the number (and, when given, the content) of the training and validation rows, the initial
 * weights, and every param that changes the sequence of updates (optimizer, learning rate and
 * schedule, batch size, seed, shuffling, ...). As strings by name, in a fixed order.
 *
 * <p>Left out on purpose, because changing them on resume is legitimate: {@code maxEpochs} (a
 * resumed fit may train longer) unless the schedule is {@code cosine} or {@code linear}, whose rate
 * at every step depends on the total number of steps; {@code lrStepSize} and {@code lrGamma} unless
 * the schedule is {@code step}; the checkpoint params; the device and the number of partitions,
 * which change the result only up to float summation order (docs/TRAINING.md).
 */
public final class RunFingerprint {
  private RunFingerprint() {}

  /**
   * The fingerprint of a fit.
   *
   * @param initialWeights the warm-start weights, or null for weights drawn from the seed
   * @param dataHash an order-independent hash of the training and validation rows' content, or null
   *     to leave the content out (only the row counts are compared then)
   */
  public static Map<String, String> of(
      TrainingConfig c,
      NetworkSpec spec,
      Objective objective,
      long trainRows,
      long validationRows,
      float[] initialWeights,
      String dataHash) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("network", spec.toJson());
    f.put("loss", objective.describe());
    f.put("trainRows", Long.toString(trainRows));
    f.put("validationRows", Long.toString(validationRows));
    if (dataHash != null) {
      f.put("data", dataHash);
    }
    f.put("initialWeights", initialWeights == null ? "seed" : "sha256:" + sha256(initialWeights));
    f.put("optimizer", c.optimizer());
    f.put("learningRate", Double.toString(c.learningRate()));
    f.put("momentum", Double.toString(c.momentum()));
    f.put("weightDecay", Double.toString(c.weightDecay()));
    f.put("lrSchedule", c.lrSchedule());
    if (c.lrSchedule().equals("step")) {
      f.put("lrStepSize", Integer.toString(c.lrStepSize()));
      f.put("lrGamma", Double.toString(c.lrGamma()));
    }
    if (c.lrSchedule().equals("cosine") || c.lrSchedule().equals("linear")) {
      f.put("maxEpochs", Integer.toString(c.maxEpochs()));
    }
    f.put("warmupSteps", Integer.toString(c.warmupSteps()));
    f.put("gradClipNorm", Double.toString(c.gradClipNorm()));
    f.put("batchSize", Integer.toString(c.batchSize()));
    f.put("seed", Long.toString(c.seed()));
    f.put("shuffle", Boolean.toString(c.shuffle()));
    f.put("dropLast", Boolean.toString(c.dropLast()));
    f.put("earlyStoppingPatience", Integer.toString(c.earlyStoppingPatience()));
    return f;
  }

  /**
   * Each way {@code saved} (a checkpoint's) differs from {@code current} (this fit's), in words:
   * {@code "batchSize 64, this fit has batchSize 128"}; empty if they are the same run.
   */
  public static List<String> differences(Map<String, String> saved, Map<String, String> current) {
    Set<String> keys = new LinkedHashSet<>(current.keySet());
    keys.addAll(saved.keySet());
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      String a = saved.get(k);
      String b = current.get(k);
      if (a == null) {
        out.add("no " + k + ", this fit has " + k + " " + b);
      } else if (b == null) {
        out.add(k + " " + a + ", this fit has no " + k);
      } else if (!a.equals(b)) {
        out.add(k + " " + a + ", this fit has " + k + " " + b);
      }
    }
    return out;
  }

  /** The SHA-256 of the little-endian bytes of {@code values}, in hex. */
  static String sha256(float[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(buf.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
