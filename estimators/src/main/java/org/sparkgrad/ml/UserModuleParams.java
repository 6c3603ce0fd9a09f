package org.sparkgrad.ml;

import java.util.List;
import org.apache.spark.ml.param.Param;
import org.sparkgrad.ml.params.HasParamSet;
import org.sparkgrad.ml.params.ParamDecl;

/**
 * The params that give the network as a user's own {@code Module}: {@code moduleFactory} (an
 * object) or {@code moduleClass} (a class name). At most one of them and {@code network} may be
 * set; a fit with two fails naming both. (This group lives beside {@link ModuleFactory}, the type
 * of its param, rather than in {@code ml.params}, which does not depend on this package.)
 */
public interface UserModuleParams extends HasParamSet {
  ParamDecl<Param<ModuleFactory>> MODULE_FACTORY =
      ParamDecl.of(
          "moduleFactory",
          "factory of the user's own Module (a ModuleFactory: a lambda or an object); unset for the"
              + " network or simple network; saved as its class name, which needs a public class"
              + " with a public no-argument constructor",
          ModuleFactoryParam::new,
          null);

  ParamDecl<Param<String>> MODULE_CLASS =
      ParamDecl.string(
          "moduleClass",
          "name of a class with a public no-argument constructor that implements"
              + " org.sparkgrad.ml.ModuleFactory, whose module is the network; empty: the network"
              + " param or the simple network",
          "");

  /** The declarations of this group. */
  List<ParamDecl<?>> DECLARED = List.of(MODULE_FACTORY, MODULE_CLASS);

  /** Param for the factory of the user's own module; unset for none. */
  default Param<ModuleFactory> moduleFactory() {
    return paramSet().get(MODULE_FACTORY);
  }

  /** Returns the factory of the user's own module, or null when unset. */
  default ModuleFactory getModuleFactory() {
    return isDefined(moduleFactory()) ? getOrDefault(moduleFactory()) : null;
  }

  /** Param for the class name of the factory of the user's own module; empty for none. */
  default Param<String> moduleClass() {
    return paramSet().get(MODULE_CLASS);
  }

  /** Returns the class name of the factory of the user's own module; empty for none. */
  default String getModuleClass() {
    return getOrDefault(moduleClass());
  }
}
