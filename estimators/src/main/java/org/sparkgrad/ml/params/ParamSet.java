package org.sparkgrad.ml.params;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkgrad.ml.params.ParamDecl.Task;

/**
 * The {@link Param} objects of one estimator or model, made from the declarations of its task.
 * Spark requires every param to belong to the instance that exposes it (its parent is that
 * instance's uid), so each instance makes its own set once its uid is known; the group interfaces'
 * default methods ({@code batchSize()}, ...) return its params. Users never need this class.
 */
public final class ParamSet implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Task task;
  private final Map<String, Param<?>> params = new LinkedHashMap<>();

  /**
   * Makes {@code owner}'s params from those of {@code declarations} that apply to {@code task} and
   * sets their defaults on {@code owner}, whose uid must already be set.
   *
   * @throws IllegalArgumentException if two declarations of {@code task} have one name
   */
  public ParamSet(Params owner, Task task, List<ParamDecl<?>> declarations) {
    this.task = task;
    for (ParamDecl<?> decl : declarations) {
      if (!decl.appliesTo(task)) {
        continue;
      }
      Param<?> p = decl.create(owner, task);
      if (params.putIfAbsent(decl.name(), p) != null) {
        throw new IllegalArgumentException("param " + decl.name() + " is declared twice");
      }
      decl.setDefault(owner, p, task);
    }
  }

  /** The task the params were made for. */
  public Task task() {
    return task;
  }

  /**
   * This instance's param of {@code decl}.
   *
   * @throws IllegalStateException if the instance does not have it (a param of the other task)
   */
  @SuppressWarnings("unchecked")
  public <P extends Param<?>> P get(ParamDecl<P> decl) {
    Param<?> p = params.get(decl.name());
    if (p == null) {
      throw new IllegalStateException(decl.name() + " is not a param of " + task + " estimators");
    }
    return (P) p;
  }

  /** The names of the params, in declaration order. */
  public List<String> names() {
    return List.copyOf(params.keySet());
  }
}
