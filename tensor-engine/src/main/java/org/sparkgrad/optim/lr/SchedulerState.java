package org.sparkgrad.optim.lr;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/** Reading and writing the scalars of a scheduler's state dict, with messages naming the key. */
final class SchedulerState {
  private SchedulerState() {}

  static Tensor scalar(double v) {
    return Tensor.full(v, DType.FLOAT64);
  }

  static void checkKeys(String scheduler, Map<String, Tensor> state, Collection<String> expected) {
    for (String key : state.keySet()) {
      if (!expected.contains(key)) {
        throw new IllegalArgumentException(
            "unexpected key '" + key + "' in " + scheduler + " state dict; expected " + expected);
      }
    }
    for (String key : expected) {
      if (!state.containsKey(key)) {
        throw new IllegalArgumentException(
            "missing key '" + key + "' in " + scheduler + " state dict");
      }
    }
  }

  static double value(Map<String, Tensor> state, String key) {
    Tensor t = state.get(key);
    if (t == null || t.numel() != 1 || !t.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          "'"
              + key
              + "' must be a one-element float tensor, got "
              + (t == null ? "null" : t.dtype() + " of shape " + Arrays.toString(t.shape())));
    }
    return t.item();
  }

  static double nonNegative(Map<String, Tensor> state, String key) {
    double v = value(state, key);
    if (!(v >= 0)) {
      throw new IllegalArgumentException("'" + key + "' must be >= 0, got " + v);
    }
    return v;
  }

  static int count(Map<String, Tensor> state, String key) {
    double v = value(state, key);
    if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("'" + key + "' must be a whole number >= 0, got " + v);
    }
    return (int) v;
  }
}
