package org.sparkgrad.ml.support;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that runs a test's main class with this JVM's class path and the
 * module options Spark needs ({@code --add-opens}, {@code --add-exports}).
 */
public final class ChildJvmCommand {
  private ChildJvmCommand() {}

  /**
   * {@code java [module options] [this JVM's -D properties] jvmOptions -cp ... main args}.
   *
   * @param systemProperties whether this JVM's {@code -D} options are passed on
   */
  public static List<String> of(
      boolean systemProperties, List<String> jvmOptions, Class<?> main, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("--add-exports")
          || (systemProperties && a.startsWith("-D"))) {
        cmd.add(a);
      }
    }
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }
}
