package org.sparkgrad.ml;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkgrad.ml.train.IndexLimits;
import org.sparkgrad.ml.train.NetworkInput;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.UserModule;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * User modules by class name, and their output size: what {@code setModuleClass}, a fit and a saved
 * model's loading share.
 */
public final class ModuleFactories {
  private ModuleFactories() {}

  /**
   * A new instance of the factory class {@code className}, looked up with the thread's context
   * class loader (which sees the jars given to {@code spark-submit} and notebook class paths).
   *
   * @param what says who asks, for messages ({@code moduleClass}, {@code cannot load ... from
   *     path})
   * @throws IllegalArgumentException naming the class when it is not on the class path, does not
   *     implement {@link ModuleFactory}, or has no public no-argument constructor
   */
  public static ModuleFactory instantiate(String className, String what) {
    Class<?> c;
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      c =
          Class.forName(
              className, true, loader != null ? loader : ModuleFactories.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException(
          what
              + ": the module factory class '"
              + className
              + "' is not on the class path ("
              + e
              + "); add the jar that holds it (spark-submit --jars, or the notebook's class path)",
          e);
    }
    if (!ModuleFactory.class.isAssignableFrom(c)) {
      throw new IllegalArgumentException(
          what + ": class '" + className + "' does not implement " + ModuleFactory.class.getName());
    }
    if (!UserModule.loadableByName(c)) {
      throw new IllegalArgumentException(
          what
              + ": class '"
              + className
              + "' needs to be a public, non-abstract, top-level or static class with a public"
              + " no-argument constructor");
    }
    try {
      return (ModuleFactory) c.getConstructor().newInstance();
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          what + ": the constructor of '" + className + "' failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(what + ": cannot construct '" + className + "': " + e, e);
    }
  }

  /**
   * The spec of {@code module}, sized by a forward pass, in evaluation mode on the CPU, of one zero
   * row of {@code numFeatures} features reshaped to {@code inputShape} (when not empty).
   *
   * @param what the param that gave the module and its class, for messages
   * @throws IllegalArgumentException if the forward pass fails or does not return {@code [1, n]}
   */
  public static NetworkSpec measure(
      UserModule module, int[] inputShape, int numFeatures, String what) {
    int[] rowShape = inputShape.length > 0 ? inputShape : new int[] {numFeatures};
    int[] batch = new int[rowShape.length + 1];
    batch[0] = 1;
    System.arraycopy(rowShape, 0, batch, 1, rowShape.length);
    NetworkSpec probe = NetworkSpec.ofModule(module, inputShape, numFeatures, 0);
    int[] out;
    try (NoGrad ng = NoGrad.enter()) {
      Module m = probe.module(0);
      m.eval();
      out = m.forward(Tensor.zeros(batch)).shape();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          what
              + " builds a module that fails on one row of input shape "
              + Arrays.toString(batch)
              + " ("
              + numFeatures
              + " features per row"
              + (inputShape.length > 0 ? ", reshaped by inputShape" : "")
              + "): "
              + e.getMessage(),
          e);
    }
    if (out.length != 2 || out[0] != 1 || out[1] < 1) {
      throw new IllegalArgumentException(
          what
              + " builds a module that outputs shape "
              + Arrays.toString(out)
              + " for input of shape "
              + Arrays.toString(batch)
              + "; it must output [rows, outputs]");
    }
    return NetworkSpec.ofModule(module, inputShape, numFeatures, out[1]);
  }

  /**
   * The spec of {@code module}, a module of several inputs ({@code forward(Tensor...)}), sized by a
   * forward pass, in evaluation mode on the CPU, of one zero row of each input, with the index
   * limits of its index inputs ({@link IndexLimits}).
   *
   * @param what the param that gave the module and its class, for messages
   * @throws IllegalArgumentException if the forward pass fails or does not return {@code [1, n]}
   */
  public static NetworkSpec measureInputs(
      UserModule module, List<NetworkInput> inputs, String what) {
    NetworkSpec probe = NetworkSpec.ofModule(module, inputs, 0);
    int[] out;
    Module m;
    try (NoGrad ng = NoGrad.enter()) {
      m = probe.module(0);
      m.eval();
      Tensor[] x = NetworkInput.tensors(inputs, new float[probe.inputSize()], 1, Device.CPU);
      out = m.forward(x).shape();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          what
              + " builds a module that fails on one row of "
              + inputs.size()
              + " inputs of shapes "
              + describe(inputs)
              + ": "
              + e.getMessage(),
          e);
    }
    if (out.length != 2 || out[0] != 1 || out[1] < 1) {
      throw new IllegalArgumentException(
          what
              + " builds a module that outputs shape "
              + Arrays.toString(out)
              + " for inputs of shapes "
              + describe(inputs)
              + "; it must output [rows, outputs]");
    }
    return NetworkSpec.ofModule(module, IndexLimits.probe(m, inputs), out[1]);
  }

  /** "[1, 4] float32, [1] int64". */
  private static String describe(List<NetworkInput> inputs) {
    List<String> parts = new ArrayList<>();
    for (NetworkInput in : inputs) {
      int[] s = new int[in.shape().length + 1];
      s[0] = 1;
      System.arraycopy(in.shape(), 0, s, 1, s.length - 1);
      parts.add(Arrays.toString(s) + (in.index() ? " int64" : " float32"));
    }
    return String.join(", ", parts);
  }

  /** Why a factory of class {@code className} cannot be saved, and what to do instead. */
  public static String unsaveable(String className) {
    return "cannot save moduleFactory of class "
        + className
        + ": a saved model records the factory's class name, so it must be a public class with a"
        + " public no-argument constructor (a lambda or an anonymous class is not); write the"
        + " factory as such a class and give it with setModuleFactory or, by name, with"
        + " setModuleClass";
  }
}
