package org.sparkgrad.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparkgrad.tensor.DType;

/**
 * What a safetensors header says, checked: each tensor's dtype, shape and byte range, and the
 * metadata. Nothing here is trusted until {@link #of} has checked that the ranges match the shapes
 * and tile the data area exactly, in the order of their offsets.
 */
final class SafeTensorsLayout {
  static final String METADATA_KEY = "__metadata__";
  private static final Set<String> ENTRY_FIELDS = Set.of("dtype", "shape", "data_offsets");

  /** One tensor's header entry. */
  static final class Entry {
    final String name;
    final DType dtype;
    final int[] shape;
    final int numel;
    final long begin;
    final long end;

    Entry(String name, DType dtype, int[] shape, int numel, long begin, long end) {
      this.name = name;
      this.dtype = dtype;
      this.shape = shape;
      this.numel = numel;
      this.begin = begin;
      this.end = end;
    }

    long byteSize() {
      return end - begin;
    }
  }

  /** The tensors in the order of their data. */
  final List<Entry> entries;

  /** The {@code __metadata__} map, empty if absent. */
  final Map<String, String> metadata;

  /** The number of data bytes the tensors cover: the end of the last one. */
  final long dataSize;

  private SafeTensorsLayout(List<Entry> entries, Map<String, String> metadata, long dataSize) {
    this.entries = entries;
    this.metadata = metadata;
    this.dataSize = dataSize;
  }

  /** The safetensors name of a dtype. */
  static String code(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> "F32";
      case FLOAT64 -> "F64";
      case INT64 -> "I64";
    };
  }

  /**
   * Checks a parsed header.
   *
   * @param dataAreaSize the bytes that follow the header, or -1 when unknown (a stream); when
   *     known, the tensors must cover it exactly
   * @throws IllegalArgumentException naming {@code source}, the tensor and the problem
   */
  static SafeTensorsLayout of(Map<String, Object> header, long dataAreaSize, String source) {
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, Object> e : header.entrySet()) {
      if (e.getKey().equals(METADATA_KEY)) {
        metadata = metadata(e.getValue(), source);
      } else {
        entries.add(entry(e.getKey(), e.getValue(), source));
      }
    }
    entries.sort(Comparator.<Entry>comparingLong(en -> en.begin).thenComparingLong(en -> en.end));
    long expected = 0;
    Entry previous = null;
    for (Entry en : entries) {
      if (dataAreaSize >= 0 && en.end > dataAreaSize) {
        throw new IllegalArgumentException(
            String.format(
                "%s: data_offsets [%d, %d] of tensor '%s' point past the end of the data area"
                    + " (%d bytes after the header); the file is truncated or the offsets are"
                    + " out of range",
                source, en.begin, en.end, en.name, dataAreaSize));
      }
      if (en.begin < expected) {
        throw new IllegalArgumentException(
            String.format(
                "%s: data_offsets [%d, %d] of tensor '%s' overlap those of tensor '%s' [%d, %d]",
                source, en.begin, en.end, en.name, previous.name, previous.begin, previous.end));
      }
      if (en.begin > expected) {
        throw new IllegalArgumentException(
            String.format(
                "%s: gap of %d bytes before tensor '%s' (data_offsets [%d, %d]); the tensors must"
                    + " cover the data area without holes",
                source, en.begin - expected, en.name, en.begin, en.end));
      }
      expected = en.end;
      previous = en;
    }
    if (dataAreaSize >= 0 && expected != dataAreaSize) {
      throw new IllegalArgumentException(
          String.format(
              "%s: %d trailing bytes after the last tensor's data (the data area has %d bytes,"
                  + " the tensors cover %d)",
              source, dataAreaSize - expected, dataAreaSize, expected));
    }
    return new SafeTensorsLayout(List.copyOf(entries), metadata, expected);
  }

  private static Map<String, String> metadata(Object value, String source) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          source + ": " + METADATA_KEY + " must be a JSON object, got " + kind(value));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getValue() instanceof String s)) {
        throw new IllegalArgumentException(
            String.format(
                "%s: %s values must be strings, key '%s' holds %s",
                source, METADATA_KEY, e.getKey(), kind(e.getValue())));
      }
      out.put((String) e.getKey(), s);
    }
    return out;
  }

  private static Entry entry(String name, Object value, String source) {
    String where = source + ": tensor '" + name + "'";
    if (!(value instanceof Map<?, ?> fields)) {
      throw new IllegalArgumentException(where + " must be a JSON object, got " + kind(value));
    }
    for (Object key : fields.keySet()) {
      if (!ENTRY_FIELDS.contains(key)) {
        throw new IllegalArgumentException(
            where + " has unknown field '" + key + "' (expected dtype, shape, data_offsets)");
      }
    }
    DType dtype = dtype(field(fields, "dtype", where), where);
    long[] dims = integers(field(fields, "shape", where), "shape", where);
    long[] offsets = integers(field(fields, "data_offsets", where), "data_offsets", where);
    if (offsets.length != 2) {
      throw new IllegalArgumentException(
          where + " data_offsets must be [begin, end], got " + offsets.length + " numbers");
    }
    if (offsets[1] < offsets[0]) {
      throw new IllegalArgumentException(
          String.format(
              "%s data_offsets [%d, %d] end before they begin", where, offsets[0], offsets[1]));
    }
    int[] shape = new int[dims.length];
    long numel = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            where + " has shape " + Arrays.toString(dims) + ", dimension " + i + " is too large");
      }
      shape[i] = (int) dims[i];
      numel *= dims[i];
      if (numel > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            where
                + " has shape "
                + Arrays.toString(dims)
                + ", more than the 2^31-1 elements a tensor can hold");
      }
    }
    long bytes = numel * dtype.byteSize();
    if (offsets[1] - offsets[0] != bytes) {
      throw new IllegalArgumentException(
          String.format(
              "%s (%s, shape %s) needs %d bytes, but its data_offsets [%d, %d] span %d (size"
                  + " mismatch)",
              where,
              code(dtype),
              Arrays.toString(shape),
              bytes,
              offsets[0],
              offsets[1],
              offsets[1] - offsets[0]));
    }
    return new Entry(name, dtype, shape, (int) numel, offsets[0], offsets[1]);
  }

  private static Object field(Map<?, ?> fields, String key, String where) {
    if (!fields.containsKey(key)) {
      throw new IllegalArgumentException(where + " has no '" + key + "' field");
    }
    return fields.get(key);
  }

  private static DType dtype(Object v, String where) {
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(where + " dtype must be a string, got " + kind(v));
    }
    return switch (s) {
      case "F32" -> DType.FLOAT32;
      case "F64" -> DType.FLOAT64;
      case "I64" -> DType.INT64;
      default ->
          throw new IllegalArgumentException(
              where + " has unsupported dtype '" + s + "' (supported: F32, F64, I64)");
    };
  }

  private static long[] integers(Object v, String key, String where) {
    if (!(v instanceof List<?> list)) {
      throw new IllegalArgumentException(where + " " + key + " must be an array, got " + kind(v));
    }
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof Long l) || l < 0) {
        throw new IllegalArgumentException(
            where + " " + key + " must hold non-negative integers, got " + list);
      }
      out[i] = l;
    }
    return out;
  }

  private static String kind(Object v) {
    if (v instanceof Map) {
      return "an object";
    } else if (v instanceof List) {
      return "an array";
    } else if (v instanceof String) {
      return "a string";
    } else if (v instanceof Boolean) {
      return "a boolean";
    } else if (v == null) {
      return "null";
    }
    return "a number";
  }
}
