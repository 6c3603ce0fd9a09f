package org.sparkgrad.backend.cpu;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Loads the system's BLAS and LAPACK, through {@code dev.ludovic.netlib} as Spark's MLlib does,
 * before the bundled OpenBLAS, so that each library links against its own code.
 *
 * <p>Why: the bundled {@code libopenblas_nolapack.so.0} declares the SONAME {@code
 * libopenblas.so.0}, the name of the system OpenBLAS. Debian's {@code libblas.so.3} and {@code
 * liblapack.so.3} from {@code libopenblas0-pthread} are thin interface libraries whose {@code
 * NEEDED} entry is {@code libopenblas.so.0}. When netlib's JNI later {@code dlopen}s them, glibc
 * satisfies that entry with the object already loaded under the same SONAME, the bundled copy, and
 * never loads the system one: the system's 0.3.21 interface then runs on the bundled 0.3.30 core
 * (its {@code gotoblas} table, buffers and kernels), and MLlib's first {@code dgemm} dies with
 * SIGSEGV in {@code dgemm_oncopy_*}. Loaded the other way round, the system library resolves {@code
 * libopenblas.so.0} to itself first; the bundled one is loaded by its full path, RTLD_LOCAL, as a
 * separate object that binds only to itself. Each side then has its own OpenBLAS, with its own
 * threads and buffers, and MLlib's results are those it gives without Sparkgrad.
 *
 * <p>Each netlib interface is optional: where netlib is not on the class path, or the machine has
 * no system BLAS, there is nothing that could bind to the bundled library and nothing is loaded.
 */
final class SystemBlasFirst {
  private static final Logger LOG = Logger.getLogger(SystemBlasFirst.class.getName());

  /**
   * netlib's native interfaces, in the order MLlib's would load them; ARPACK needs the other two.
   */
  private static final List<String> NETLIB_NATIVE =
      List.of(
          "dev.ludovic.netlib.blas.NativeBLAS",
          "dev.ludovic.netlib.lapack.NativeLAPACK",
          "dev.ludovic.netlib.arpack.NativeARPACK");

  private SystemBlasFirst() {}

  /** Loads whichever of netlib's native libraries this JVM can load; never throws. */
  static void load() {
    for (String name : NETLIB_NATIVE) {
      try {
        Class.forName(name, true, SystemBlasFirst.class.getClassLoader())
            .getMethod("getInstance")
            .invoke(null);
        LOG.fine(() -> name + " loaded before the bundled OpenBLAS");
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        // No such interface on the class path, or no system library for it: nothing to order.
        LOG.log(Level.FINE, name + " not loaded: " + e, e);
      }
    }
  }
}
