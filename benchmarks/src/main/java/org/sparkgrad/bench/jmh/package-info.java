/**
 * JMH micro-benchmarks of a Sparkgrad training step: the matrix products of the MLP 784-256-128-10
 * at batch 128 ({@link org.sparkgrad.bench.jmh.MatmulJmh}), one whole engine step ({@link
 * org.sparkgrad.bench.jmh.MlpStepJmh}), and the parts of the Spark overhead of a synchronous step
 * in {@code local[2]} ({@link org.sparkgrad.bench.jmh.SparkStepJmh}). See docs/BENCHMARKS.md for
 * the commands.
 */
package org.sparkgrad.bench.jmh;
