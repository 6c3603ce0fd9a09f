package org.sparkgrad.ml.params;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * What every param group builds on: the instance's {@link ParamSet}, from which the groups' default
 * methods return the instance's params.
 */
public interface HasParamSet extends Params {
  /**
   * The {@code Param} objects of this instance; an implementation detail of the default methods.
   */
  ParamSet paramSet();

  /** True if {@code param} is set to a non-empty string (for the optional column params). */
  default boolean isNonEmpty(Param<String> param) {
    return isDefined(param) && !getOrDefault(param).isEmpty();
  }
}
