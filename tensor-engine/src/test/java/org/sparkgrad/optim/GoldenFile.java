package org.sparkgrad.optim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/**
 * The golden text files written by {@code golden/optim/gen_optim.py}: {@code config <name> <Class>
 * key=value ...} lines and {@code <key> <dims...> : <values...>} array lines.
 */
public final class GoldenFile {
  /** One configuration line. */
  public record Config(String name, String className, Map<String, String> options) {
    @Override
    public String toString() {
      return name;
    }
  }

  private final Map<String, double[]> values = new LinkedHashMap<>();
  private final Map<String, int[]> shapes = new LinkedHashMap<>();
  private final List<Config> configs = new ArrayList<>();

  private GoldenFile() {}

  /** Reads resource {@code golden/optim/<name>}. */
  public static GoldenFile load(String name) {
    String path = "/golden/optim/" + name;
    GoldenFile f = new GoldenFile();
    try (InputStream in = GoldenFile.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + path);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (line.startsWith("config ")) {
          String[] t = line.split(" ", -1);
          Map<String, String> options = new LinkedHashMap<>();
          for (int i = 3; i < t.length; i++) {
            String[] kv = t[i].split("=", 2);
            options.put(kv[0], kv[1]);
          }
          f.configs.add(new Config(t[1], t[2], options));
          continue;
        }
        int colon = line.indexOf(" : ");
        String[] head = line.substring(0, colon).trim().split(" ", -1);
        String[] nums = line.substring(colon + 3).trim().split(" ", -1);
        int[] shape = new int[head.length - 1];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = Integer.parseInt(head[i + 1]);
        }
        double[] v = new double[nums.length];
        for (int i = 0; i < v.length; i++) {
          v[i] = Double.parseDouble(nums[i]);
        }
        f.values.put(head[0], v);
        f.shapes.put(head[0], shape);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return f;
  }

  public List<Config> configs() {
    return configs;
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public double[] values(String key) {
    double[] v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("no golden array '" + key + "'");
    }
    return v.clone();
  }

  public int[] shape(String key) {
    values(key);
    return shapes.get(key).clone();
  }

  /** The array {@code key} as a tensor of {@code dtype}. */
  public Tensor tensor(String key, DType dtype) {
    int[] shape = shape(key);
    Tensor t =
        shape.length == 0
            ? Tensor.full(values(key)[0], DType.FLOAT64)
            : Tensor.of(values(key), shape);
    return t.to(dtype);
  }

  /** The keys starting with {@code prefix}, in file order. */
  public List<String> keysStartingWith(String prefix) {
    List<String> out = new ArrayList<>();
    for (String k : values.keySet()) {
      if (k.startsWith(prefix)) {
        out.add(k);
      }
    }
    return out;
  }
}
