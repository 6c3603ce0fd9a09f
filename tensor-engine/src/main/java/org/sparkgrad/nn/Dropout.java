package org.sparkgrad.nn;

import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * Inverted dropout, as PyTorch's {@code nn.Dropout}: in training mode each element is zeroed with
 * probability {@code p} and the survivors are scaled by {@code 1 / (1 - p)}; in evaluation mode the
 * input is returned unchanged.
 *
 * <p>The masks come from the {@link Generator} given to the constructor or to {@link
 * #setGenerator}; without one, from the {@linkplain Generator#defaultGenerator() default generator}
 * at each forward, as PyTorch's do (so {@code Tensor.manualSeed(s)} makes them reproducible). The
 * same seed gives the same masks.
 *
 * <p>Shape: any input; the output has the same shape.
 */
public final class Dropout extends Module {
  private final double p;
  // Null: the default generator, looked up at each forward.
  private Generator generator;

  /** PyTorch's default, {@code p = 0.5}, with masks from the default generator. */
  public Dropout() {
    this(0.5);
  }

  /** Drop probability {@code p} in [0, 1), with masks from the default generator. */
  public Dropout(double p) {
    F.checkDropout(p);
    this.p = p;
  }

  /** Drop probability {@code p} in [0, 1), with a generator seeded with {@code seed}. */
  public Dropout(double p, long seed) {
    this(p, new Generator(seed));
  }

  /** Drop probability {@code p} in [0, 1), with masks drawn from {@code generator}. */
  public Dropout(double p, Generator generator) {
    F.checkDropout(p);
    Init.checkGenerator(generator);
    this.p = p;
    this.generator = generator;
  }

  /** The drop probability. */
  public double p() {
    return p;
  }

  /** The generator the masks are drawn from: the one given, or else the default generator. */
  public Generator generator() {
    return generator != null ? generator : Generator.defaultGenerator();
  }

  /** Draws future masks from {@code generator}. */
  public void setGenerator(Generator generator) {
    Init.checkGenerator(generator);
    this.generator = generator;
  }

  @Override
  public Tensor forward(Tensor input) {
    return F.dropout(input, p, isTraining(), generator());
  }

  @Override
  protected String extraRepr() {
    return "p=" + PyRepr.floatRepr(p) + ", inplace=False";
  }
}
