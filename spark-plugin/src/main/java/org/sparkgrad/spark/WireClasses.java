package org.sparkgrad.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;

/**
 * Every class Sparkgrad ships between the driver and the executors, in the one order that {@link
 * SparkgradKryoRegistrator} registers them with Kryo.
 *
 * <p>Kryo numbers classes in registration order, and the driver and every executor must agree on
 * the numbers, so the order is fixed: {@link #CORE} first, then each {@link WireClassProvider} on
 * the class path, sorted by class name, each in its own order. Weights, gradients and losses travel
 * as primitive arrays, never as {@code Tensor}s, which hold an autograd graph and a device's
 * memory.
 */
public final class WireClasses {
  /** The engine's own classes and the arrays that carry weights, gradients, losses and labels. */
  public static final List<Class<?>> CORE =
      List.of(
          float[].class,
          double[].class,
          long[].class,
          int[].class,
          float[][].class,
          double[][].class,
          long[][].class,
          int[][].class,
          DType.class,
          Device.Type.class,
          Device.class);

  private WireClasses() {}

  /** {@link #CORE} and then every provider's classes, without repeats, in registration order. */
  public static List<Class<?>> all() {
    return all(WireClasses.class.getClassLoader());
  }

  /** As {@link #all()}, with the providers that {@code loader} finds. */
  public static List<Class<?>> all(ClassLoader loader) {
    List<WireClassProvider> providers = new ArrayList<>();
    ServiceLoader.load(WireClassProvider.class, loader).forEach(providers::add);
    providers.sort(Comparator.comparing(p -> p.getClass().getName()));
    Set<Class<?>> classes = new LinkedHashSet<>(CORE);
    for (WireClassProvider p : providers) {
      classes.addAll(p.wireClasses());
    }
    return List.copyOf(classes);
  }
}
