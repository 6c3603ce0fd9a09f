package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/**
 * An optimizer's state dict in a form that Spark can ship and sum: each entry's name, dtype, shape
 * and values in double precision (a float32 value survives the round trip exactly). Local-steps
 * rounds send the driver's snapshot to every partition and average the partitions' snapshots.
 */
public final class OptimizerSnapshot implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> names = new ArrayList<>();
  private final List<String> dtypes = new ArrayList<>();
  private final List<int[]> shapes = new ArrayList<>();
  private final List<double[]> values = new ArrayList<>();

  private OptimizerSnapshot() {}

  /** A snapshot of {@code stateDict} (as {@code Optimizer.stateDict()} returns it). */
  public static OptimizerSnapshot of(Map<String, Tensor> stateDict) {
    OptimizerSnapshot s = new OptimizerSnapshot();
    for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
      Tensor t = e.getValue();
      s.names.add(e.getKey());
      s.dtypes.add(t.dtype().name());
      s.shapes.add(t.shape());
      s.values.add(t.dtype() == DType.INT64 ? longsAsDoubles(t.toLongArray()) : t.toDoubleArray());
    }
    return s;
  }

  private static double[] longsAsDoubles(long[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  /** Whether any per-parameter state ({@code state.<i>.<name>}) is present. */
  public boolean hasState() {
    for (String n : names) {
      if (n.startsWith("state.")) {
        return true;
      }
    }
    return false;
  }

  /** The state dict back as tensors of the original dtypes and shapes. */
  public Map<String, Tensor> toStateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      DType dtype = DType.valueOf(dtypes.get(i));
      double[] v = values.get(i);
      Tensor t;
      if (dtype == DType.INT64) {
        long[] l = new long[v.length];
        for (int j = 0; j < v.length; j++) {
          l[j] = (long) v[j];
        }
        t = Tensor.ofLongs(l, shapes.get(i));
      } else {
        t = Tensor.of(v, shapes.get(i)).to(dtype);
      }
      out.put(names.get(i), t);
    }
    return out;
  }

  /**
   * This snapshot's per-parameter state with every floating value multiplied by {@code weight},
   * except step counts ({@code state.<i>.step}), which are kept: the summand of a weighted average.
   */
  OptimizerSnapshot weighted(double weight) {
    OptimizerSnapshot s = new OptimizerSnapshot();
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      if (!n.startsWith("state.")) {
        continue;
      }
      double[] v = values.get(i).clone();
      if (!isStep(n)) {
        for (int j = 0; j < v.length; j++) {
          v[j] *= weight;
        }
      }
      s.names.add(n);
      s.dtypes.add(dtypes.get(i));
      s.shapes.add(shapes.get(i));
      s.values.add(v);
    }
    return s;
  }

  /**
   * Adds {@code other}'s entries into this one (step counts take the larger); an entry only one of
   * them has is kept as is. Returns this.
   */
  OptimizerSnapshot add(OptimizerSnapshot other) {
    for (int i = 0; i < other.names.size(); i++) {
      int k = names.indexOf(other.names.get(i));
      if (k < 0) {
        names.add(other.names.get(i));
        dtypes.add(other.dtypes.get(i));
        shapes.add(other.shapes.get(i));
        values.add(other.values.get(i).clone());
        continue;
      }
      double[] a = values.get(k);
      double[] b = other.values.get(i);
      boolean step = isStep(names.get(k));
      for (int j = 0; j < a.length; j++) {
        a[j] = step ? Math.max(a[j], b[j]) : a[j] + b[j];
      }
    }
    return this;
  }

  /**
   * The average: per-parameter state divided by {@code weight} (step counts kept), followed by the
   * param groups of {@code groups} (the driver's hyper-parameters, which partitions do not change).
   */
  OptimizerSnapshot averaged(double weight, OptimizerSnapshot groups) {
    OptimizerSnapshot s = new OptimizerSnapshot();
    for (int i = 0; i < names.size(); i++) {
      double[] v = values.get(i).clone();
      if (!isStep(names.get(i))) {
        for (int j = 0; j < v.length; j++) {
          v[j] /= weight;
        }
      }
      s.names.add(names.get(i));
      s.dtypes.add(dtypes.get(i));
      s.shapes.add(shapes.get(i));
      s.values.add(v);
    }
    for (int i = 0; i < groups.names.size(); i++) {
      if (groups.names.get(i).startsWith("param_groups.")) {
        s.names.add(groups.names.get(i));
        s.dtypes.add(groups.dtypes.get(i));
        s.shapes.add(groups.shapes.get(i));
        s.values.add(groups.values.get(i));
      }
    }
    return s;
  }

  private static boolean isStep(String name) {
    return name.endsWith(".step");
  }
}
