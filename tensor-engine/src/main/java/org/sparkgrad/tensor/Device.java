package org.sparkgrad.tensor;

import java.util.Locale;

/**
 * Where a tensor's memory lives: {@link #CPU} or {@code cuda:N}.
 *
 * <p>Devices are values: two {@code Device} objects for the same GPU are equal.
 */
public final class Device {
  /** The kind of a device. */
  public enum Type {
    CPU,
    CUDA
  }

  /** The host CPU. */
  public static final Device CPU = new Device(Type.CPU, -1);

  private final Type type;
  private final int index;

  private Device(Type type, int index) {
    this.type = type;
    this.index = index;
  }

  /** The CUDA device with the given ordinal. */
  public static Device cuda(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("CUDA device index must be >= 0, got " + index);
    }
    return new Device(Type.CUDA, index);
  }

  /** Parses {@code cpu}, {@code cuda} (device 0) or {@code cuda:N}, as PyTorch does. */
  public static Device parse(String name) {
    String s = name.trim().toLowerCase(Locale.ROOT);
    if (s.equals("cpu")) {
      return CPU;
    }
    if (s.equals("cuda")) {
      return cuda(0);
    }
    if (s.startsWith("cuda:")) {
      try {
        return cuda(Integer.parseInt(s.substring(5)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad device '" + name + "': expected cuda:N", e);
      }
    }
    throw new IllegalArgumentException(
        "unknown device '" + name + "': expected cpu, cuda or cuda:N");
  }

  public Type type() {
    return type;
  }

  /** The GPU ordinal, or -1 for the CPU. */
  public int index() {
    return index;
  }

  public boolean isCuda() {
    return type == Type.CUDA;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Device d && d.type == type && d.index == index;
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + index;
  }

  @Override
  public String toString() {
    return type == Type.CPU ? "cpu" : "cuda:" + index;
  }
}
