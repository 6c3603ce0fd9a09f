package org.sparkgrad.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What the benchmark reports about the machine it ran on (Linux {@code /proc}). */
final class Machine {
  private Machine() {}

  /**
   * Prints a note for each OpenBLAS tuning variable set in the environment: they steer OpenBLAS's
   * kernel choice on both sides of a comparison, so fair numbers are taken without them.
   */
  static void warnIfBlasTuned() {
    for (String v : List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")) {
      if (System.getenv(v) != null) {
        System.out.println(
            "note: "
                + v
                + "="
                + System.getenv(v)
                + " is set and steers OpenBLAS's kernel choice on both sides; for fair numbers"
                + " run under `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE`");
      }
    }
  }

  /** Cores, load averages and the JVM, e.g. for judging how noisy a shared machine was. */
  static String describe() {
    String load;
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ", -1);
      load = "load average " + f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException e) {
      load = "load average unknown";
    }
    return String.format(
        Locale.ROOT,
        "%d cores, %s, Java %s",
        Runtime.getRuntime().availableProcessors(),
        load,
        System.getProperty("java.version"));
  }

  /** The first shared library mapped into this process whose path contains {@code part}. */
  static Optional<Path> mappedLibrary(String part) {
    try {
      return Files.readAllLines(Path.of("/proc/self/maps")).stream()
          .map(l -> l.substring(l.lastIndexOf(' ') + 1))
          .filter(p -> p.startsWith("/") && p.contains(part) && p.contains(".so"))
          .findFirst()
          .map(Path::of);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
