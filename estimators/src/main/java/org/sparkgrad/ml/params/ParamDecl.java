package org.sparkgrad.ml.params;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The one declaration of a param: its name, doc, validator and default, written once in its group
 * interface ({@link TrainingParams#BATCH_SIZE}, ...), as XGBoost4J-Spark's {@code params/} traits
 * declare each param once. Spark needs a {@link Param} object per estimator or model instance (its
 * parent is the instance's uid), so the declaration is a recipe: {@link ParamSet} makes each
 * instance's param from it and sets its default.
 *
 * <p>A few params differ between the classifier and the regressor (the label column's doc, the
 * losses allowed): their declaration holds one variant per {@link Task} ({@link #byTask}). A param
 * that only one of them has is declared {@link #onlyFor} that task.
 *
 * @param <P> the param's class ({@code IntParam}, {@code Param<String>}, ...)
 */
public final class ParamDecl<P extends Param<?>> {
  /** What the estimator learns: a param may apply to one of them only, or differ between them. */
  public enum Task {
    CLASSIFICATION,
    REGRESSION
  }

  /** Makes the param of one instance. */
  @FunctionalInterface
  public interface Factory<P> {
    P create(Params owner, String name, String doc);
  }

  private record Variant<P>(String doc, Factory<P> factory, Function<Params, ?> defaultValue) {}

  private final String name;
  private final Map<Task, Variant<P>> variants;

  private ParamDecl(String name, Map<Task, Variant<P>> variants) {
    this.name = name;
    this.variants = Collections.unmodifiableMap(new EnumMap<>(variants));
  }

  /**
   * A param of both tasks, with {@code defaultValue} (null: the param has no default and is unset
   * until a user sets it, as an optional column).
   */
  public static <P extends Param<?>> ParamDecl<P> of(
      String name, String doc, Factory<P> factory, Object defaultValue) {
    return withDefault(
        name, doc, factory, defaultValue == null ? null : owner -> fresh(defaultValue));
  }

  /** A copy of an array default, so that no two instances share one mutable array. */
  private static Object fresh(Object value) {
    if (value instanceof int[] a) {
      return a.clone();
    }
    if (value instanceof double[] a) {
      return a.clone();
    }
    if (value instanceof String[] a) {
      return a.clone();
    }
    return value;
  }

  /** A param of both tasks whose default depends on the instance (null: no default). */
  public static <P extends Param<?>> ParamDecl<P> withDefault(
      String name, String doc, Factory<P> factory, Function<Params, ?> defaultValue) {
    Map<Task, Variant<P>> v = new EnumMap<>(Task.class);
    for (Task t : Task.values()) {
      v.put(t, new Variant<>(doc, factory, defaultValue));
    }
    return new ParamDecl<>(name, v);
  }

  /** A string param, never null; {@code defaultValue} null: unset by default. */
  public static ParamDecl<Param<String>> string(String name, String doc, String defaultValue) {
    return of(name, doc, (o, n, d) -> new Param<>(o, n, d, ParamCheck.notNull(n)), defaultValue);
  }

  /** A string param whose value is one of {@code values}; the doc ends with them. */
  public static ParamDecl<Param<String>> choice(
      String name, String doc, List<String> values, String defaultValue) {
    ParamCheck<String> check = ParamCheck.oneOf(name, values);
    return of(name, withRule(doc, check), (o, n, d) -> new Param<>(o, n, d, check), defaultValue);
  }

  /** An int param of at least {@code lower}; the doc ends with the rule. */
  public static ParamDecl<IntParam> intAtLeast(
      String name, String doc, int lower, int defaultValue) {
    ParamCheck<Object> check = ParamCheck.intAtLeast(name, lower);
    return of(name, withRule(doc, check), (o, n, d) -> new IntParam(o, n, d, check), defaultValue);
  }

  /** A double param checked by {@code check}; the doc ends with the rule. */
  public static ParamDecl<DoubleParam> number(
      String name, String doc, ParamCheck<Object> check, double defaultValue) {
    return of(
        name, withRule(doc, check), (o, n, d) -> new DoubleParam(o, n, d, check), defaultValue);
  }

  /** A boolean param. */
  public static ParamDecl<BooleanParam> bool(String name, String doc, boolean defaultValue) {
    return of(name, doc, BooleanParam::new, defaultValue);
  }

  /**
   * One param declared for both tasks with a variant each (another doc, validator or default).
   *
   * @throws IllegalArgumentException if the two do not have the same name
   */
  public static <P extends Param<?>> ParamDecl<P> byTask(
      ParamDecl<P> classification, ParamDecl<P> regression) {
    if (!classification.name.equals(regression.name)) {
      throw new IllegalArgumentException(
          "one param, two names: " + classification.name + " and " + regression.name);
    }
    Map<Task, Variant<P>> v = new EnumMap<>(Task.class);
    v.put(Task.CLASSIFICATION, classification.variants.get(Task.CLASSIFICATION));
    v.put(Task.REGRESSION, regression.variants.get(Task.REGRESSION));
    return new ParamDecl<>(classification.name, v);
  }

  /** This param for {@code task} only: the other task's estimators and models do not have it. */
  public ParamDecl<P> onlyFor(Task task) {
    return new ParamDecl<>(name, Map.of(task, variants.get(task)));
  }

  /** {@code doc} followed by the rule of {@code check} in parentheses. */
  static String withRule(String doc, ParamCheck<?> check) {
    return doc + " (" + check.rule() + ")";
  }

  /** The param's name, as Spark and saved models know it. */
  public String name() {
    return name;
  }

  /** True if estimators and models of {@code task} have this param. */
  public boolean appliesTo(Task task) {
    return variants.containsKey(task);
  }

  /** The doc for {@code task}. */
  public String doc(Task task) {
    return variant(task).doc();
  }

  /** True if the param has a default for {@code task}; false for an optional param, unset. */
  public boolean hasDefault(Task task) {
    return variant(task).defaultValue() != null;
  }

  /** Makes {@code owner}'s param, whose uid must already be set. */
  P create(Params owner, Task task) {
    Variant<P> v = variant(task);
    return v.factory().create(owner, name, v.doc());
  }

  /** Sets {@code param}'s default on {@code owner}, if it has one. */
  @SuppressWarnings("unchecked")
  void setDefault(Params owner, Param<?> param, Task task) {
    Function<Params, ?> d = variant(task).defaultValue();
    if (d != null) {
      owner.setDefault((Param<Object>) param, d.apply(owner));
    }
  }

  private Variant<P> variant(Task task) {
    Variant<P> v = variants.get(task);
    if (v == null) {
      throw new IllegalStateException(name + " is not a param of " + task + " estimators");
    }
    return v;
  }

  @Override
  public String toString() {
    return name;
  }
}
