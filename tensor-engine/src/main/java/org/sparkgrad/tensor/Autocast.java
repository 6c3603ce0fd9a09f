package org.sparkgrad.tensor;

import java.util.Objects;

/**
 * A mixed-precision region, as PyTorch's {@code torch.autocast(device_type, dtype)}: inside it, the
 * ops that PyTorch's autocast runs in lower precision ({@link Tensor#matmul}, {@link
 * Tensor#linear}, {@link Tensor#conv2d}) see their float32 inputs rounded to bfloat16 or IEEE half,
 * and compute on those values in float32 (the products accumulate in float32, as tensor cores do,
 * and return float32). Everything else (reductions, softmax and log-softmax, losses, normalisation,
 * elementwise maps) runs in float32 as outside, as PyTorch keeps them:
 *
 * <pre>{@code
 * try (Autocast ac = Autocast.enter(Device.cuda(0), Precision.BF16)) {
 *   Tensor loss = lossFn.forward(model.forward(x), y);
 *   loss.backward();
 * }
 * }</pre>
 *
 * <p>The parameters stay float32 (the master weights): the rounding is an op of the graph whose
 * backward passes the float32 gradient through unchanged ({@code ToCopyBackward}), so a product's
 * gradients are the float32 backward of its rounded inputs, and they reach the float32 parameters.
 * Float64 and integer tensors are left alone, as PyTorch's autocast leaves them.
 *
 * <p>A region applies to the tensors of its device's type (all CUDA devices, or the CPU), as {@code
 * device_type} does. Regions nest; the innermost for a device type wins, so {@code
 * Autocast.enter(device, Precision.FLOAT32)} turns autocast off inside another region. They belong
 * to the current thread and close in reverse order of entry. The CUDA backend rounds with {@code
 * amp.cu}'s kernels, the CPU with the same rounding in Java ({@link
 * org.sparkgrad.backend.HalfFloats}), bit for bit alike.
 */
public final class Autocast implements AutoCloseable {
  private static final ThreadLocal<Autocast> INNERMOST = new ThreadLocal<>();

  private final Device.Type deviceType;
  private final Precision precision;
  private final Autocast outer;
  private boolean closed;

  private Autocast(Device.Type deviceType, Precision precision, Autocast outer) {
    this.deviceType = deviceType;
    this.precision = precision;
    this.outer = outer;
  }

  /**
   * Enters a region in which the lower-precision-safe ops on tensors of {@code device}'s type
   * compute on {@code precision}'s values, until {@link #close()}.
   */
  public static Autocast enter(Device device, Precision precision) {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(precision, "precision");
    Autocast a = new Autocast(device.type(), precision, INNERMOST.get());
    INNERMOST.set(a);
    return a;
  }

  /** The precision the autocast ops of tensors on {@code device} use on this thread now. */
  public static Precision precisionFor(Device device) {
    for (Autocast a = INNERMOST.get(); a != null; a = a.outer) {
      if (a.deviceType == device.type()) {
        return a.precision;
      }
    }
    return Precision.FLOAT32;
  }

  /**
   * {@code x} rounded to {@code precision}'s format and kept in float32, as {@code
   * x.to(torch.bfloat16).float()}, recorded with a backward that passes the gradient through
   * unchanged; {@code x} itself for float32, or when {@code x} is not a float32 tensor.
   */
  public static Tensor round(Tensor x, Precision precision) {
    if (precision.rounding() == null || x.dtype() != DType.FLOAT32) {
      return x;
    }
    Tensor out = Elementwise.unaryRaw(precision.rounding(), x);
    return Autograd.record(out, "ToCopyBackward", g -> new Tensor[] {g}, x);
  }

  /** The input of an autocast op: {@code x} rounded as the current region says (null stays). */
  static Tensor cast(Tensor x) {
    if (x == null || INNERMOST.get() == null) {
      return x;
    }
    return round(x, precisionFor(x.device()));
  }

  /**
   * Leaves the region.
   *
   * @throws IllegalStateException if a region entered inside this one is still open
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (INNERMOST.get() != this) {
      throw new IllegalStateException(
          "autocast regions must close in reverse order of entry: an inner region is still open");
    }
    closed = true;
    if (outer == null) {
      INNERMOST.remove();
    } else {
      INNERMOST.set(outer);
    }
  }
}
