package org.sparkgrad.spark;

/** The values of {@code spark.sparkgrad.blas}: the CPU backend's BLAS. */
public enum BlasLibrary {
  /** The OpenBLAS bundled with the engine (Linux x86-64), falling back to netlib elsewhere. */
  OPENBLAS,
  /** The BLAS that Spark itself ships through {@code dev.ludovic.netlib}. */
  NETLIB
}
