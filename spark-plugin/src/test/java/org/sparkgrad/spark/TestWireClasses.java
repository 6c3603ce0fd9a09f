package org.sparkgrad.spark;

import java.util.List;

/** Registers the test's wire classes through the service file, as another module would. */
public final class TestWireClasses implements WireClassProvider {
  @Override
  public List<Class<?>> wireClasses() {
    return List.of(GradientSum.class, GradientSum[].class, float[].class);
  }
}
