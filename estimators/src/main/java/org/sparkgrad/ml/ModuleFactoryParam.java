package org.sparkgrad.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkgrad.ml.params.ParamCheck;
import org.sparkgrad.ml.train.UserModule;
import org.sparkgrad.util.StrictJson;

/**
 * The {@code moduleFactory} param. It persists as the factory's class name, so a factory whose
 * class has a public no-argument constructor saves and loads; a lambda (or any other factory) is
 * refused at {@code save} with a message that says what to do instead.
 */
final class ModuleFactoryParam extends Param<ModuleFactory> {
  private static final long serialVersionUID = 1L;

  /** The param of {@code owner}, as its declaration ({@link UserModuleParams}) makes it. */
  ModuleFactoryParam(Params owner, String name, String doc) {
    super(owner.uid(), name, doc, ParamCheck.present(name, "a ModuleFactory"), ModuleFactory.class);
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
