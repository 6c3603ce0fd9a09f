package org.sparkgrad.ml.params;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import scala.runtime.AbstractFunction1;

/**
 * A param validator that fails with a message naming the param, its allowed values and the value
 * given ({@code learningRate must be > 0, got -0.1}), instead of Spark's generic "given invalid
 * value". Spark calls it from {@code set}, {@code ParamPair} and {@code DefaultParamsReader}; it
 * throws {@link IllegalArgumentException}, which is what those callers would throw.
 *
 * @param <T> the param's value type as Spark passes it (boxed for numeric params)
 */
public final class ParamCheck<T> extends AbstractFunction1<T, Object> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A serializable test of one value. */
  public interface Test<T> extends Serializable {
    boolean ok(T value);
  }

  private final String name;
  private final String rule;
  private final Test<T> test;

  private ParamCheck(String name, String rule, Test<T> test) {
    this.name = name;
    this.rule = rule;
    this.test = test;
  }

  /** The rule in words, for the param's doc: "must be > 0". */
  public String rule() {
    return "must be " + rule;
  }

  @Override
  public Object apply(T value) {
    if (value == null || !test.ok(value)) {
      throw new IllegalArgumentException(name + " must be " + rule + ", got " + show(value));
    }
    return true;
  }

  private static String show(Object value) {
    if (value instanceof int[] a) {
      return Arrays.toString(a);
    }
    if (value instanceof double[] a) {
      return Arrays.toString(a);
    }
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    return String.valueOf(value);
  }

  /** A number as people write it: {@code 0}, not {@code 0.0}. */
  static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  public static ParamCheck<Object> doubleGt(String name, double lower) {
    return new ParamCheck<>(name, "> " + num(lower), v -> ((Double) v) > lower);
  }

  public static ParamCheck<Object> doubleAtLeast(String name, double lower) {
    return new ParamCheck<>(name, ">= " + num(lower), v -> ((Double) v) >= lower);
  }

  /** {@code [lower, upper)}. */
  public static ParamCheck<Object> doubleInHalfOpen(String name, double lower, double upper) {
    return new ParamCheck<>(
        name,
        "in [" + num(lower) + ", " + num(upper) + ")",
        v -> ((Double) v) >= lower && ((Double) v) < upper);
  }

  /** {@code (lower, upper]}. */
  public static ParamCheck<Object> doubleInLeftOpen(String name, double lower, double upper) {
    return new ParamCheck<>(
        name,
        "in (" + num(lower) + ", " + num(upper) + "]",
        v -> ((Double) v) > lower && ((Double) v) <= upper);
  }

  public static ParamCheck<Object> intAtLeast(String name, int lower) {
    return new ParamCheck<>(name, ">= " + lower, v -> ((Integer) v) >= lower);
  }

  public static ParamCheck<int[]> allPositive(String name) {
    return new ParamCheck<>(
        name, "an array of sizes > 0", v -> Arrays.stream(v).allMatch(x -> x > 0));
  }

  public static ParamCheck<double[]> allFiniteAtLeast(String name, double lower) {
    return new ParamCheck<>(
        name,
        "an array of finite numbers >= " + num(lower),
        v -> Arrays.stream(v).allMatch(x -> Double.isFinite(x) && x >= lower));
  }

  public static ParamCheck<String> oneOf(String name, List<String> allowed) {
    List<String> copy = List.copyOf(allowed);
    return new ParamCheck<>(name, "one of " + copy, copy::contains);
  }

  public static ParamCheck<String> notNull(String name) {
    return new ParamCheck<>(name, "a string (not null)", v -> true);
  }

  public static ParamCheck<String[]> columnNames(String name) {
    return new ParamCheck<>(
        name,
        "an array of non-empty column names",
        v -> Arrays.stream(v).allMatch(c -> c != null && !c.isEmpty()));
  }

  /** Any value but null; {@code what} names the type for the message ("a ModuleFactory"). */
  public static <T> ParamCheck<T> present(String name, String what) {
    return new ParamCheck<>(name, what + " (not null)", v -> true);
  }
}
