package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Tensor;
import org.sparkgrad.util.StrictJson;

/**
 * One input tensor of a module whose forward takes several ({@code forward(Tensor...)}): a slice of
 * each row's flat features, {@code width()} floats, given to the module as a float32 tensor of
 * shape {@code [rows, shape...]}, or, for an index input, as an int64 tensor (an {@code
 * Embedding}'s input).
 */
public final class NetworkInput implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean index;
  private final int[] shape;
  private final int indexLimit;

  /**
   * An input.
   *
   * @param index true for int64 indices, false for float32 values
   * @param shape the shape of one row's value ({@code []} for one index per row)
   * @param indexLimit for an index input, the first index the module refuses (found at fit), or 0
   *     when it refuses none below 2^24
   */
  public NetworkInput(boolean index, int[] shape, int indexLimit) {
    this.index = index;
    this.shape = shape.clone();
    this.indexLimit = indexLimit;
  }

  /** True for int64 indices, false for float32 values. */
  public boolean index() {
    return index;
  }

  /** The shape of one row's value ({@code []} for one index per row). */
  public int[] shape() {
    return shape.clone();
  }

  /** The first index the module refuses, or 0 for none below 2^24. */
  public int indexLimit() {
    return indexLimit;
  }

  /** The floats one row's value takes. */
  public int width() {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** This input with {@code limit} as its index limit. */
  public NetworkInput withIndexLimit(int limit) {
    return new NetworkInput(index, shape, limit);
  }

  /**
   * The tensors of {@code rows} rows of flat features {@code x} ({@code [rows, sum of widths]},
   * row-major), one per input, on {@code device}.
   */
  public static Tensor[] tensors(List<NetworkInput> inputs, float[] x, int rows, Device device) {
    int total = 0;
    for (NetworkInput in : inputs) {
      total += in.width();
    }
    Tensor[] out = new Tensor[inputs.size()];
    int off = 0;
    for (int j = 0; j < out.length; j++) {
      NetworkInput in = inputs.get(j);
      int w = in.width();
      int[] shape = new int[in.shape.length + 1];
      shape[0] = rows;
      System.arraycopy(in.shape, 0, shape, 1, in.shape.length);
      if (in.index) {
        long[] v = new long[rows * w];
        for (int r = 0; r < rows; r++) {
          for (int k = 0; k < w; k++) {
            v[r * w + k] = (long) x[r * total + off + k];
          }
        }
        out[j] = Tensor.wrapLongs(v, shape).to(device);
      } else {
        float[] v = new float[rows * w];
        for (int r = 0; r < rows; r++) {
          System.arraycopy(x, r * total + off, v, r * w, w);
        }
        out[j] = Tensor.wrap(v, shape).to(device);
      }
      off += w;
    }
    return out;
  }

  /** The JSON form: {@code {"dtype": "float32" or "int64", "shape": [...], "index_limit": n}}. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dtype", index ? "int64" : "float32");
    List<Object> dims = new ArrayList<>();
    for (int d : shape) {
      dims.add(d);
    }
    m.put("shape", dims);
    if (index) {
      m.put("index_limit", indexLimit);
    }
    return m;
  }

  /**
   * The inputs of a saved spec's {@code inputs} JSON array ({@link #toJson} of each).
   *
   * @param invalid the start of the message for a malformed array
   * @throws IllegalArgumentException if an entry's dtype or shape is not valid
   */
  public static List<NetworkInput> parseAll(Object json, String invalid) {
    List<NetworkInput> out = new ArrayList<>();
    for (Object item : StrictJson.asList(json, "inputs")) {
      Map<String, Object> m = StrictJson.asObject(item, "inputs[" + out.size() + "]");
      Object dtype = m.get("dtype");
      if (!"float32".equals(dtype) && !"int64".equals(dtype)) {
        throw new IllegalArgumentException(
            invalid + "inputs[" + out.size() + "].dtype must be float32 or int64, got " + dtype);
      }
      List<Object> dims = StrictJson.asList(m.get("shape"), "inputs[" + out.size() + "].shape");
      int[] shape = new int[dims.size()];
      for (int i = 0; i < shape.length; i++) {
        if (!(dims.get(i) instanceof Long d) || d < 1 || d > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(
              invalid + "inputs[" + out.size() + "].shape must hold sizes > 0, got " + dims);
        }
        shape[i] = d.intValue();
      }
      Object limit = m.getOrDefault("index_limit", 0L);
      if (!(limit instanceof Long l) || l < 0 || l > IndexLimits.MAX_INDEX) {
        throw new IllegalArgumentException(
            invalid + "inputs[" + out.size() + "].index_limit must be in [0, 2^24], got " + limit);
      }
      out.add(new NetworkInput("int64".equals(dtype), shape, l.intValue()));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkInput other
        && index == other.index
        && indexLimit == other.indexLimit
        && Arrays.equals(shape, other.shape);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 31 + (index ? 1 : 0) + 7 * indexLimit;
  }
}
