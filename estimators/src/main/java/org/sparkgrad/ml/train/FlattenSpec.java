package org.sparkgrad.ml.train;

import java.util.Map;
import org.sparkgrad.nn.Flatten;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Generator;

/**
 * {@code nn.Flatten()} with PyTorch's defaults ({@code start_dim=1, end_dim=-1}): each row becomes
 * one vector, {@code [C, H, W]} giving {@code C*H*W} values in row-major order, as PyTorch lays
 * them out.
 */
public record FlattenSpec() implements LayerSpec {
  @Override
  public String type() {
    return "flatten";
  }

  @Override
  public Map<String, Object> toJson() {
    return LayerSpec.base(type());
  }

  @Override
  public Module build(Generator gen) {
    return new Flatten();
  }

  @Override
  public int[] outputShape(int[] in, String source) {
    long n = 1;
    for (int d : in) {
      n *= d;
    }
    return new int[] {Math.toIntExact(n)};
  }

  @Override
  public boolean anyShape() {
    return true;
  }
}
