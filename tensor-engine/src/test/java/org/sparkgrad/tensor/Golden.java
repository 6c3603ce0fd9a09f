package org.sparkgrad.tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparkgrad.util.StrictJson;

/**
 * The PyTorch reference values in {@code golden/ops.json} (written by {@code gen_golden.py} beside
 * it), and conversions between their tensor records and {@link Tensor}s.
 *
 * <p>A tensor record is {@code {"dtype": "float32"|"float64"|"int64", "shape": [...], "values":
 * [...]}} with the values in row-major order; non-finite values are the strings {@code "nan"},
 * {@code "inf"} and {@code "-inf"}.
 */
final class Golden {
  private static final Map<String, Object> DOC = load();

  private Golden() {}

  private static Map<String, Object> load() {
    try (InputStream in = Golden.class.getResourceAsStream("/golden/ops.json")) {
      if (in == null) {
        throw new IllegalStateException("test resource golden/ops.json is missing");
      }
      return StrictJson.asObject(
          StrictJson.parse(in.readAllBytes(), StrictJson.MAX_DEPTH), "golden/ops.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The op cases, in file order. */
  static List<Map<String, Object>> cases() {
    return objects("cases");
  }

  /** The op case named {@code name}. */
  static Map<String, Object> opCase(String name) {
    return cases().stream()
        .filter(c -> name.equals(c.get("name")))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no golden case named " + name));
  }

  /** The printing cases: a tensor record, requires_grad, and PyTorch's repr. */
  static List<Map<String, Object>> printing() {
    return objects("printing");
  }

  private static List<Map<String, Object>> objects(String key) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : StrictJson.asList(DOC.get(key), key)) {
      out.add(StrictJson.asObject(o, key));
    }
    return out;
  }

  /** A record as a new leaf tensor of its dtype and shape (0-d for shape []). */
  static Tensor tensor(Object record) {
    Map<String, Object> r = StrictJson.asObject(record, "tensor");
    int[] shape = shape(r);
    double[] v = values(r);
    Tensor flat =
        switch (dtype(r)) {
          case FLOAT32 -> {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
              f[i] = (float) v[i];
            }
            yield Tensor.of(f);
          }
          case FLOAT64 -> Tensor.of(v);
          case INT64 -> {
            long[] l = new long[v.length];
            for (int i = 0; i < v.length; i++) {
              l[i] = (long) v[i];
            }
            yield Tensor.ofLongs(l);
          }
        };
    // reshape() of a tensor that does not require grad records nothing: the result is a leaf.
    return flat.reshape(shape);
  }

  static DType dtype(Map<String, Object> record) {
    return DType.valueOf(((String) record.get("dtype")).toUpperCase(java.util.Locale.ROOT));
  }

  static int[] shape(Map<String, Object> record) {
    List<Object> s = StrictJson.asList(record.get("shape"), "shape");
    int[] shape = new int[s.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = Math.toIntExact((Long) s.get(i));
    }
    return shape;
  }

  /**
   * The values as written, as doubles. {@link #tensor} rounds them to the record's dtype; the
   * reference outputs and gradients keep the float64 precision they were computed in.
   */
  static double[] values(Map<String, Object> record) {
    List<Object> list = StrictJson.asList(record.get("values"), "values");
    double[] v = new double[list.size()];
    for (int i = 0; i < v.length; i++) {
      Object o = list.get(i);
      if (o instanceof Number n) {
        v[i] = n.doubleValue();
      } else if ("nan".equals(o)) {
        v[i] = Double.NaN;
      } else if ("inf".equals(o)) {
        v[i] = Double.POSITIVE_INFINITY;
      } else if ("-inf".equals(o)) {
        v[i] = Double.NEGATIVE_INFINITY;
      } else {
        throw new IllegalArgumentException("not a tensor value: " + o);
      }
    }
    return v;
  }
}
