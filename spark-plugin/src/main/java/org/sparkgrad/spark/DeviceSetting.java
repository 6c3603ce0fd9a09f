package org.sparkgrad.spark;

/** The values of {@code spark.sparkgrad.device}. */
public enum DeviceSetting {
  /** A GPU when Spark assigned one to the executor and CUDA can run there, else the CPU. */
  AUTO,
  /** The CPU, even where Spark assigned GPUs. */
  CPU,
  /** The GPU Spark assigned; the executor fails to start if it cannot use it. */
  GPU
}
