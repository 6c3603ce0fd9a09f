// Shared definitions for Sparkgrad's CUDA kernels. Every kernel is extern "C" (unmangled names
// that the Java side looks up with cuModuleGetFunction) and walks its elements with a grid-stride
// loop, so any grid size covers any element count.
#pragma once

// Up to this many axes after the host has merged contiguous ones (org.sparkgrad.backend.Layout).
#define MAX_DIMS 16
// Up to this many strided operands per kernel (where: cond, a, b).
#define MAX_OPS 3

// An n-d iteration space passed by value: the merged shape and each operand's element strides.
// The host packs it as int[1 + MAX_DIMS + MAX_OPS * MAX_DIMS] in this field order.
struct Iter {
  int rank;
  int shape[MAX_DIMS];
  int strides[MAX_OPS][MAX_DIMS];
};

// Element offsets of the row-major linear index `linear` for the first `NOPS` operands.
template <int NOPS>
__device__ __forceinline__ void iter_offsets(const Iter& it, long long linear, int* off) {
#pragma unroll
  for (int k = 0; k < NOPS; k++) {
    off[k] = 0;
  }
  unsigned int rest = (unsigned int)linear;
  for (int d = it.rank - 1; d >= 0; d--) {
    unsigned int size = (unsigned int)it.shape[d];
    unsigned int idx = rest % size;
    rest /= size;
#pragma unroll
    for (int k = 0; k < NOPS; k++) {
      off[k] += (int)idx * it.strides[k][d];
    }
  }
}

#define GRID_STRIDE(i, n)                                                   \
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
       i += (long long)blockDim.x * gridDim.x)

// Error codes written to a stream's error record: {code, value, unused}. The first error wins.
#define ERR_INDEX_OUT_OF_BOUNDS 1
#define ERR_INTEGER_DIVISION_BY_ZERO 2

__device__ __forceinline__ void report_error(long long* err, long long code, long long value) {
  unsigned long long* e = (unsigned long long*)err;
  if (atomicCAS(e, 0ULL, (unsigned long long)code) == 0ULL) {
    err[1] = value;
  }
}

__device__ __forceinline__ bool is_nan(float v) { return v != v; }
__device__ __forceinline__ bool is_nan(double v) { return v != v; }
__device__ __forceinline__ bool is_nan(long long) { return false; }

// Java's Math.max / Math.min: NaN wins, and -0.0 is below 0.0.
template <typename T>
__device__ __forceinline__ T java_max(T a, T b) {
  if (is_nan(a)) return a;
  if (is_nan(b)) return b;
  if (a == (T)0 && b == (T)0) return signbit(a) ? b : a;
  return a >= b ? a : b;
}
template <typename T>
__device__ __forceinline__ T java_min(T a, T b) {
  if (is_nan(a)) return a;
  if (is_nan(b)) return b;
  if (a == (T)0 && b == (T)0) return signbit(b) ? b : a;
  return a <= b ? a : b;
}

// Conversions between element types go through double, exactly as the CPU backend's
// get-as-double / set-from-double does; a same-type copy is exact.
template <typename D, typename S>
__device__ __forceinline__ D convert(S v) {
  return (D)(double)v;
}
template <>
__device__ __forceinline__ float convert<float, float>(float v) {
  return v;
}
template <>
__device__ __forceinline__ double convert<double, double>(double v) {
  return v;
}
template <>
__device__ __forceinline__ long long convert<long long, long long>(long long v) {
  return v;
}

// Atomic adds for each element type (double atomics need sm_60, below our compute_75 target).
__device__ __forceinline__ void atomic_add(float* p, float v) { atomicAdd(p, v); }
__device__ __forceinline__ void atomic_add(double* p, double v) { atomicAdd(p, v); }
__device__ __forceinline__ void atomic_add(long long* p, long long v) {
  // Two's-complement addition is the same bit operation for signed and unsigned operands.
  atomicAdd((unsigned long long*)p, (unsigned long long)v);
}
