package org.sparkgrad.backend.cuda;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * Runs JUnit test classes in a child JVM whose {@code libcuda.so.1} is the emulated driver ({@link
 * EmulatedDeviceTest}): each {@code @Test} method on a fresh instance, after the
 * {@code @BeforeEach} methods, superclass first. Only what the GPU test classes use; prints one
 * line per test and exits with status 1 if any failed.
 */
public final class EmulatedDeviceRunner {
  private EmulatedDeviceRunner() {}

  public static void main(String[] args) throws Exception {
    int passed = 0;
    int failed = 0;
    int skipped = 0;
    for (String name : args) {
      Class<?> type = Class.forName(name);
      for (Method test : annotated(type, Test.class)) {
        long t0 = System.nanoTime();
        String id = type.getSimpleName() + "." + test.getName();
        try {
          Constructor<?> c = type.getDeclaredConstructor();
          c.setAccessible(true);
          Object instance = c.newInstance();
          for (Method before : annotated(type, BeforeEach.class)) {
            before.setAccessible(true);
            before.invoke(instance);
          }
          test.setAccessible(true);
          test.invoke(instance);
          passed++;
          System.out.printf(
              Locale.ROOT, "PASS %s (%d ms)%n", id, (System.nanoTime() - t0) / 1000000);
        } catch (InvocationTargetException e) {
          Throwable cause = e.getCause();
          if (cause instanceof TestAbortedException) {
            skipped++;
            System.out.println("SKIP " + id + ": " + cause.getMessage());
          } else {
            failed++;
            System.out.println("FAIL " + id + ": " + cause);
            cause.printStackTrace(System.out);
          }
        }
      }
    }
    System.out.printf(Locale.ROOT, "%d passed, %d failed, %d skipped%n", passed, failed, skipped);
    System.exit(failed == 0 && passed > 0 ? 0 : 1);
  }

  /** Methods with the annotation, superclasses' first, each name once. */
  private static List<Method> annotated(
      Class<?> type, Class<? extends java.lang.annotation.Annotation> annotation) {
    List<Method> out = new ArrayList<>();
    if (type.getSuperclass() != null) {
      out.addAll(annotated(type.getSuperclass(), annotation));
    }
    for (Method m : type.getDeclaredMethods()) {
      if (m.isAnnotationPresent(annotation)) {
        out.removeIf(o -> o.getName().equals(m.getName()));
        out.add(m);
      }
    }
    return out;
  }
}
