package org.sparkgrad.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkgrad.ml.train.UserModule;
import org.sparkgrad.util.StrictJson;

/**
 * The {@code moduleFactory} param. It persists as the factory's class name, so a factory whose
 * class has a public no-argument constructor saves and loads; a lambda (or any other factory) is
 * refused at {@code save} with a message that says what to do instead.
 */
final class ModuleFactoryParam extends Param<ModuleFactory> {
  private static final long serialVersionUID = 1L;

  ModuleFactoryParam(Params owner) {
    super(
        owner.uid(),
        "moduleFactory",
        "factory of the user's own Module (a ModuleFactory: a lambda or an object); unset for the"
            + " network or simple network; saved as its class name, which needs a public class"
            + " with a public no-argument constructor",
        ParamCheck.present("moduleFactory", "a ModuleFactory"),
        ModuleFactory.class);
  }

  @Override
  public String jsonEncode(ModuleFactory value) {
    Class<?> c = value.getClass();
    if (!UserModule.loadableByName(c)) {
      throw new IllegalArgumentException(ModuleFactories.unsaveable(c.getName()));
    }
    return StrictJson.write(c.getName());
  }

  @Override
  public ModuleFactory jsonDecode(String json) {
    Object name = StrictJson.parse(json);
    if (!(name instanceof String s)) {
      throw new IllegalArgumentException(
          "moduleFactory must be saved as a class name string, got " + json);
    }
    return ModuleFactories.instantiate(s, "moduleFactory");
  }
}
