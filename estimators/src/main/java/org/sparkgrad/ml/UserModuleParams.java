package org.sparkgrad.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params that give the network as a user's own {@code Module}: {@code moduleFactory} (an
 * object) or {@code moduleClass} (a class name). At most one of them and {@code network} may be
 * set; a fit with two fails naming both.
 */
public interface UserModuleParams extends Params {
  /**
   * The {@code Param} objects of this instance; an implementation detail of the default methods.
   */
  NeuralNetParamSet paramSet();

  /** Param for the factory of the user's own module; unset for none. */
  default Param<ModuleFactory> moduleFactory() {
    return paramSet().moduleFactory;
  }

  /** Returns the factory of the user's own module, or null when unset. */
  default ModuleFactory getModuleFactory() {
    return isDefined(moduleFactory()) ? getOrDefault(moduleFactory()) : null;
  }

  /** Param for the class name of the factory of the user's own module; empty for none. */
  default Param<String> moduleClass() {
    return paramSet().moduleClass;
  }

  /** Returns the class name of the factory of the user's own module; empty for none. */
  default String getModuleClass() {
    return getOrDefault(moduleClass());
  }
}
