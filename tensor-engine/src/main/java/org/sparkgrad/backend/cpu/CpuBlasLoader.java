package org.sparkgrad.backend.cpu;

/** Chooses the CPU's BLAS once per JVM. */
final class CpuBlasLoader {
  private CpuBlasLoader() {}

  static CpuBlas load() {
    return new NetlibBlas();
  }
}
