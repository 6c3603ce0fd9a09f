package org.sparkgrad.tensor;

import java.util.Locale;
import org.sparkgrad.backend.UnaryOp;

/**
 * The number format an {@link Autocast} region computes its matrix products and convolutions on:
 * float32 (no autocast), bfloat16 or IEEE half ({@code torch.bfloat16}, {@code torch.float16}).
 */
public enum Precision {
  /** Plain float32: the products see their inputs unchanged. */
  FLOAT32("float32", null),
  /** bfloat16: float32's exponent range, 8 significant bits; needs no loss scaling. */
  BF16("bf16", UnaryOp.ROUND_BF16),
  /** IEEE half: 11 significant bits, finite only below 65520; trained with loss scaling. */
  FP16("fp16", UnaryOp.ROUND_F16);

  private final String paramValue;
  private final UnaryOp rounding;

  Precision(String paramValue, UnaryOp rounding) {
    this.paramValue = paramValue;
    this.rounding = rounding;
  }

  /** The name the estimators' {@code precision} param uses: float32, bf16 or fp16. */
  public String paramValue() {
    return paramValue;
  }

  /** The backend's rounding to this format, or null for float32. */
  UnaryOp rounding() {
    return rounding;
  }

  /**
   * The precision named {@code value} ({@code float32}, {@code bf16}, {@code fp16}; PyTorch's
   * {@code float16}, {@code bfloat16} and {@code half} are accepted too, in any case).
   *
   * @throws IllegalArgumentException naming the allowed values otherwise
   */
  public static Precision of(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "float32", "fp32", "float" -> FLOAT32;
      case "bf16", "bfloat16" -> BF16;
      case "fp16", "float16", "half" -> FP16;
      default ->
          throw new IllegalArgumentException(
              "precision must be one of float32, bf16, fp16, got '" + value + "'");
    };
  }
}
