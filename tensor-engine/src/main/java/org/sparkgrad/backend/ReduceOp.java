package org.sparkgrad.backend;

/** Reductions along one axis. {@code ARGMAX} writes INT64 indices (the first of equal maxima). */
public enum ReduceOp {
  SUM,
  MAX,
  MIN,
  ARGMAX
}
