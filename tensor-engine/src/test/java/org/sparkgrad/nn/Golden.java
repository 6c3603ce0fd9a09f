package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.tensor.Tensor;

/**
 * Reads the golden values that {@code golden/nn/gen_nn.py} wrote with PyTorch: tensors as lines
 * {@code name dtype d0,d1 : v v v} (dtype float32 or int64; no dims for a 0-d tensor), and strings
 * as blocks {@code === name}.
 */
final class Golden {
  private final Map<String, Tensor> tensors = new LinkedHashMap<>();
  private final Map<String, String> strings = new LinkedHashMap<>();

  private Golden() {}

  static Golden load() {
    Golden g = new Golden();
    for (String line : read("nn_golden.txt").lines().toList()) {
      if (!line.isBlank()) {
        g.parseTensor(line);
      }
    }
    String name = null;
    List<String> block = new java.util.ArrayList<>();
    for (String line : read("nn_repr.txt").lines().toList()) {
      if (line.startsWith("=== ")) {
        if (name != null) {
          g.strings.put(name, String.join("\n", block));
        }
        name = line.substring(4);
        block.clear();
      } else {
        block.add(line);
      }
    }
    if (name != null) {
      g.strings.put(name, String.join("\n", block));
    }
    return g;
  }

  private static String read(String file) {
    try (InputStream in = Golden.class.getResourceAsStream("/golden/nn/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource golden/nn/" + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void parseTensor(String line) {
    int colon = line.indexOf(" : ");
    String[] head = line.substring(0, colon).trim().split(" ", -1);
    int[] shape =
        head.length == 2
            ? new int[0]
            : Arrays.stream(head[2].split(",", -1)).mapToInt(Integer::parseInt).toArray();
    String[] vals = line.substring(colon + 3).trim().split(" ", -1);
    Tensor t;
    if (head[1].equals("int64")) {
      t = Tensor.ofLongs(Arrays.stream(vals).mapToLong(Long::parseLong).toArray());
    } else if (head[1].equals("float32")) {
      float[] f = new float[vals.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = Float.parseFloat(vals[i]);
      }
      t = Tensor.of(f);
    } else {
      throw new IllegalStateException("unknown dtype in golden line: " + line);
    }
    tensors.put(head[0], t.reshape(shape));
  }

  /** A fresh copy of the tensor {@code name}. */
  Tensor get(String name) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no golden tensor '" + name + "'");
    }
    return t.copy();
  }

  boolean has(String name) {
    return tensors.containsKey(name);
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

  String string(String name) {
    String s = strings.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no golden string '" + name + "'");
    }
    return s;
  }

  /** The state-dict keys PyTorch gave the module of case {@code name}, in order. */
  List<String> keys(String name) {
    String s = string(name + ".keys");
    return s.isEmpty() ? List.of() : List.of(s.split("\n", -1));
  }

  /**
   * Asserts {@code actual} equals the golden tensor {@code name} in shape and, elementwise, within
   * {@code 1e-5 |expected| + atol}.
   */
  void assertClose(String name, Tensor actual, double atol) {
    Tensor expected = tensors.get(name);
    assertThat(expected).as("golden tensor %s", name).isNotNull();
    assertThat(actual).as("%s was not computed", name).isNotNull();
    assertThat(actual.shape()).as("shape of %s", name).isEqualTo(expected.shape());
    double[] a = actual.toDoubleArray();
    double[] e = expected.toDoubleArray();
    for (int i = 0; i < a.length; i++) {
      double tol = 1e-5 * Math.abs(e[i]) + atol;
      if (!(Math.abs(a[i] - e[i]) <= tol) && !(a[i] == e[i])) {
        throw new AssertionError(
            String.format(
                java.util.Locale.ROOT,
                "%s element %d: expected %.9g (PyTorch), got %.9g, tolerance %.3g",
                name,
                i,
                e[i],
                a[i],
                tol));
      }
    }
  }

  void assertClose(String name, Tensor actual) {
    assertClose(name, actual, 1e-6);
  }
}
