package org.sparkgrad.backend.cpu;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Chooses the CPU's BLAS once per JVM: the bundled OpenBLAS, else (an unsupported platform, or
 * {@code -Dsparkgrad.blas=netlib}) the BLAS that Spark ships through {@code dev.ludovic.netlib}.
 *
 * <p>Before the bundled library, the system's BLAS and LAPACK are loaded as MLlib loads them
 * ({@link SystemBlasFirst}): the bundled library carries the SONAME of the system OpenBLAS, and a
 * system library loaded after it would bind to it and crash.
 *
 * <p>{@code -Dsparkgrad.blas.threads=N} sets OpenBLAS's thread count; the default is 1, because
 * Spark already runs one task per core and nested BLAS threads would oversubscribe them.
 */
final class CpuBlasLoader {
  private static final Logger LOG = Logger.getLogger(CpuBlasLoader.class.getName());

  private CpuBlasLoader() {}

  static CpuBlas load() {
    String choice = System.getProperty("sparkgrad.blas", "openblas");
    int threads = Integer.getInteger("sparkgrad.blas.threads", 1);
    if (threads < 1) {
      throw new IllegalArgumentException("sparkgrad.blas.threads must be >= 1, got " + threads);
    }
    if (choice.equals("openblas")) {
      try {
        SystemBlasFirst.load();
        return new OpenBlas(threads);
      } catch (LinkageError | RuntimeException e) {
        LOG.warning(
            "bundled OpenBLAS could not load on this platform ("
                + e
                + "); using dev.ludovic.netlib's BLAS instead");
        LOG.log(Level.FINE, "why the bundled OpenBLAS could not load", e);
      }
    } else if (!choice.equals("netlib")) {
      throw new IllegalArgumentException(
          "sparkgrad.blas must be 'openblas' or 'netlib', got '" + choice + "'");
    }
    return new NetlibBlas();
  }
}
