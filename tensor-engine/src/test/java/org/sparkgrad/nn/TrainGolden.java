package org.sparkgrad.nn;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.tensor.Tensor;

/**
 * The golden training runs that {@code golden/train/gen_train.py} wrote with PyTorch: {@code config
 * <run> key=value ...} lines and tensor lines {@code <name> <dtype> <d0,d1,...> : <values>}.
 */
final class TrainGolden {
  /**
   * One training run: its name and settings ({@code model}, {@code optimizer}, {@code lr}, ...).
   */
  record Run(String name, Map<String, String> settings) {
    String get(String key) {
      String v = settings.get(key);
      if (v == null) {
        throw new IllegalArgumentException("golden run " + name + " has no setting '" + key + "'");
      }
      return v;
    }

    double number(String key) {
      return Double.parseDouble(get(key));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final String RESOURCE = "/golden/train/train_golden.txt";
  private final Map<String, Tensor> tensors = new LinkedHashMap<>();
  private final List<Run> runs = new ArrayList<>();

  private TrainGolden() {}

  static TrainGolden load() {
    TrainGolden g = new TrainGolden();
    String text;
    try (InputStream in = TrainGolden.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + RESOURCE);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : text.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("config ")) {
        String[] t = line.split(" ", -1);
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 2; i < t.length; i++) {
          String[] kv = t[i].split("=", 2);
          settings.put(kv[0], kv[1]);
        }
        g.runs.add(new Run(t[1], settings));
      } else {
        g.parseTensor(line);
      }
    }
    return g;
  }

  private void parseTensor(String line) {
    int colon = line.indexOf(" : ");
    String[] head = line.substring(0, colon).trim().split(" ", -1);
    int[] shape = Arrays.stream(head[2].split(",", -1)).mapToInt(Integer::parseInt).toArray();
    String[] vals = line.substring(colon + 3).trim().split(" ", -1);
    Tensor t;
    switch (head[1]) {
      case "int64" -> t = Tensor.ofLongs(Arrays.stream(vals).mapToLong(Long::parseLong).toArray());
      case "float32" -> {
        float[] f = new float[vals.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = Float.parseFloat(vals[i]);
        }
        t = Tensor.of(f);
      }
      default -> throw new IllegalStateException("unknown dtype in golden line: " + head[1]);
    }
    tensors.put(head[0], t.reshape(shape));
  }

  List<Run> runs() {
    return runs;
  }

  /** A fresh copy of the tensor {@code name}. */
  Tensor get(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no golden tensor '" + name + "'");
    }
    return t.copy();
  }

  /** Every tensor whose name starts with {@code prefix}, keyed by the rest of the name. */
  Map<String, Tensor> withPrefix(String prefix) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        out.put(e.getKey().substring(prefix.length()), e.getValue().copy());
      }
    }
    return out;
  }
}
