package org.sparkgrad.io;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text files that {@code golden/safetensors/gen_safetensors.py} writes: {@code tensor NAME
 * DTYPE D0,D1 SUM} followed by a line of values, {@code meta KEYHEX VALUEHEX}, and {@code order
 * NAME...}.
 */
final class GoldenText {
  /** One tensor as PyTorch saw it. */
  static final class Entry {
    final String name;
    final String dtype;
    final int[] shape;
    final String sum;
    final String[] values;

    Entry(String name, String dtype, int[] shape, String sum, String[] values) {
      this.name = name;
      this.dtype = dtype;
      this.shape = shape;
      this.sum = sum;
      this.values = values;
    }

    float[] floats() {
      float[] out = new float[values.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = Float.parseFloat(values[i]);
      }
      return out;
    }

    double[] doubles() {
      double[] out = new double[values.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = Double.parseDouble(values[i]);
      }
      return out;
    }

    long[] longs() {
      long[] out = new long[values.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = Long.parseLong(values[i]);
      }
      return out;
    }
  }

  final Map<String, Entry> tensors = new LinkedHashMap<>();
  final Map<String, String> metadata = new LinkedHashMap<>();
  final List<String> order = new ArrayList<>();

  static Path resource(String name) {
    try {
      return Path.of(GoldenText.class.getResource("/golden/safetensors/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource golden/safetensors/" + name, e);
    }
  }

  static GoldenText read(String name) throws IOException {
    GoldenText g = new GoldenText();
    List<String> lines = Files.readAllLines(resource(name), StandardCharsets.UTF_8);
    HexFormat hex = HexFormat.of();
    for (int i = 0; i < lines.size(); i++) {
      String[] f = lines.get(i).split(" ", -1);
      switch (f[0]) {
        case "meta" ->
            g.metadata.put(
                new String(hex.parseHex(f[1]), StandardCharsets.UTF_8),
                new String(hex.parseHex(f[2]), StandardCharsets.UTF_8));
        case "order" -> g.order.addAll(List.of(f).subList(1, f.length));
        case "tensor" -> {
          int[] shape =
              f[3].isEmpty()
                  ? new int[0]
                  : java.util.Arrays.stream(f[3].split(",")).mapToInt(Integer::parseInt).toArray();
          String valueLine = lines.get(++i);
          String[] values = valueLine.isEmpty() ? new String[0] : valueLine.split(" ");
          g.tensors.put(f[1], new Entry(f[1], f[2], shape, f[4], values));
        }
        default -> throw new IllegalStateException(name + ": unexpected line " + lines.get(i));
      }
    }
    return g;
  }
}
