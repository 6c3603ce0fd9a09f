package org.sparkgrad.spark;

import java.util.List;

/**
 * Adds classes to {@link WireClasses}: a module whose objects cross the wire (the estimators'
 * gradient sums, for instance) implements this and lists the implementation in {@code
 * META-INF/services/org.sparkgrad.spark.WireClassProvider}.
 */
public interface WireClassProvider {
  /** The classes this module ships between the driver and executors, in a fixed order. */
  List<Class<?>> wireClasses();
}
