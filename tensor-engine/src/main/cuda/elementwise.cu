// Elementwise primitives: fill, cast, strided copy and add, unary and binary maps, where, axpy.
// Each mirrors the CPU backend (org.sparkgrad.backend.cpu) element for element; the op codes are
// the ones CudaOps.java passes.
#include "common.cuh"

// ------------------------------------------------------------------------------------ fill, cast

#define FILL(NAME, T)                                                      \
  extern "C" __global__ void NAME(T* __restrict__ p, int n, T value) {    \
    GRID_STRIDE(i, n) { p[i] = value; }                                    \
  }
FILL(fill_f32, float)
FILL(fill_f64, double)
FILL(fill_i64, long long)

#define CAST(NAME, S, D)                                                                    \
  extern "C" __global__ void NAME(const S* __restrict__ src, D* __restrict__ dst, int n) { \
    GRID_STRIDE(i, n) { dst[i] = convert<D, S>(src[i]); }                                  \
  }
CAST(cast_f32_f32, float, float)
CAST(cast_f32_f64, float, double)
CAST(cast_f32_i64, float, long long)
CAST(cast_f64_f32, double, float)
CAST(cast_f64_f64, double, double)
CAST(cast_f64_i64, double, long long)
CAST(cast_i64_f32, long long, float)
CAST(cast_i64_f64, long long, double)
CAST(cast_i64_i64, long long, long long)

// ------------------------------------------------------------------------- strided copy and add

// dst[dstOffset + i . dstStrides] = src[srcOffset + i . srcStrides]; operand 0 is src, 1 is dst.
#define COPY(NAME, S, D)                                                              \
  extern "C" __global__ void NAME(const S* __restrict__ src, int srcOffset, D* dst, \
                                  int dstOffset, Iter it, int n) {                  \
    GRID_STRIDE(i, n) {                                                             \
      int off[2];                                                                   \
      iter_offsets<2>(it, i, off);                                                  \
      dst[dstOffset + off[1]] = convert<D, S>(src[srcOffset + off[0]]);             \
    }                                                                               \
  }
// As COPY but adds; destination elements may repeat, so every add is atomic.
#define COPY_ADD(NAME, S, D)                                                          \
  extern "C" __global__ void NAME(const S* __restrict__ src, int srcOffset, D* dst, \
                                  int dstOffset, Iter it, int n) {                  \
    GRID_STRIDE(i, n) {                                                             \
      int off[2];                                                                   \
      iter_offsets<2>(it, i, off);                                                  \
      atomic_add(&dst[dstOffset + off[1]], convert<D, S>(src[srcOffset + off[0]])); \
    }                                                                               \
  }
COPY(copy_f32_f32, float, float)
COPY(copy_f32_f64, float, double)
COPY(copy_f32_i64, float, long long)
COPY(copy_f64_f32, double, float)
COPY(copy_f64_f64, double, double)
COPY(copy_f64_i64, double, long long)
COPY(copy_i64_f32, long long, float)
COPY(copy_i64_f64, long long, double)
COPY(copy_i64_i64, long long, long long)
COPY_ADD(copy_add_f32_f32, float, float)
COPY_ADD(copy_add_f32_f64, float, double)
COPY_ADD(copy_add_f32_i64, float, long long)
COPY_ADD(copy_add_f64_f32, double, float)
COPY_ADD(copy_add_f64_f64, double, double)
COPY_ADD(copy_add_f64_i64, double, long long)
COPY_ADD(copy_add_i64_f32, long long, float)
COPY_ADD(copy_add_i64_f64, long long, double)
COPY_ADD(copy_add_i64_i64, long long, long long)

// ------------------------------------------------------------------------------------ unary maps

// Op codes: 0 NEG, 1 EXP, 2 LOG, 3 SQRT, 4 ABS, 5 SIGN, 6 RELU, 7 STEP, 8 SIGMOID, 9 TANH,
// 10 GELU (exact, x * Phi(x)), 11 GELU_GRAD (Phi(x) + x * phi(x)).

#define INV_SQRT_2PI 0.3989422804014327

__device__ __forceinline__ float unary_f32_op(int op, float x) {
  switch (op) {
    case 0: return -x;
    case 1: return expf(x);
    case 2: return logf(x);
    case 3: return sqrtf(x);
    case 4: return fabsf(x);
    case 5: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);
    // As the CPU's float loop (Math.max(x, 0)): NaN stays NaN.
    case 6: return is_nan(x) ? x : (x > 0.0f ? x : 0.0f);
    case 7: return x > 0.0f ? 1.0f : 0.0f;
    case 8: return x >= 0.0f ? 1.0f / (1.0f + expf(-x)) : expf(x) / (1.0f + expf(x));
    case 9: return tanhf(x);
    // Phi(x) = erfc(-x / sqrt 2) / 2: the same exact GELU as 0.5 (1 + erf(x / sqrt 2)),
    // without the cancellation of 1 + erf for negative x.
    case 10: return x * 0.5f * erfcf(-x * 0.70710678118654752f);
    case 11: {
      float cdf = 0.5f * erfcf(-x * 0.70710678118654752f);
      float pdf = (float)INV_SQRT_2PI * expf(-0.5f * x * x);
      return cdf + x * pdf;
    }
    default: return __int_as_float(0x7fffffff);
  }
}

__device__ __forceinline__ double unary_f64_op(int op, double x) {
  switch (op) {
    case 0: return -x;
    case 1: return exp(x);
    case 2: return log(x);
    case 3: return sqrt(x);
    case 4: return fabs(x);
    case 5: return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : x);
    // As UnaryOp.RELU.apply: x > 0 ? x : 0.
    case 6: return x > 0.0 ? x : 0.0;
    case 7: return x > 0.0 ? 1.0 : 0.0;
    case 8: return x >= 0.0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
    case 9: return tanh(x);
    case 10: return x * 0.5 * erfc(-x * 0.70710678118654752);
    case 11: return 0.5 * erfc(-x * 0.70710678118654752) + x * INV_SQRT_2PI * exp(-0.5 * x * x);
    default: return __longlong_as_double(0x7ff8000000000000LL);
  }
}

extern "C" __global__ void unary_f32(int op, const float* x, float* out, int n) {
  GRID_STRIDE(i, n) { out[i] = unary_f32_op(op, x[i]); }
}
extern "C" __global__ void unary_f64(int op, const double* x, double* out, int n) {
  GRID_STRIDE(i, n) { out[i] = unary_f64_op(op, x[i]); }
}
// Integers go through the double definition, as the CPU does.
extern "C" __global__ void unary_i64(int op, const long long* x, long long* out, int n) {
  GRID_STRIDE(i, n) { out[i] = (long long)unary_f64_op(op, (double)x[i]); }
}

// ----------------------------------------------------------------------------------- binary maps

// Op codes: 0 ADD, 1 SUB, 2 MUL, 3 DIV, 4 POW, 5 MAX, 6 MIN, 7 EQ, 8 NE, 9 GT, 10 GE, 11 LT, 12 LE.

// Float and double: +, -, *, / in the element type (for float this equals the CPU's rounding of
// the double result), pow in double, comparisons give 1 or 0.
template <typename T>
__device__ __forceinline__ T binary_float_op(int op, T a, T b) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return (T)pow((double)a, (double)b);
    case 5: return java_max(a, b);
    case 6: return java_min(a, b);
    case 7: return a == b ? (T)1 : (T)0;
    case 8: return a != b ? (T)1 : (T)0;
    case 9: return a > b ? (T)1 : (T)0;
    case 10: return a >= b ? (T)1 : (T)0;
    case 11: return a < b ? (T)1 : (T)0;
    case 12: return a <= b ? (T)1 : (T)0;
    default: return (T)0;
  }
}

// BinaryOp.applyLong: wrapping arithmetic, floor division (division by zero is an error).
__device__ __forceinline__ long long binary_i64_op(int op, long long a, long long b,
                                                   long long* err) {
  unsigned long long ua = (unsigned long long)a;
  unsigned long long ub = (unsigned long long)b;
  switch (op) {
    case 0: return (long long)(ua + ub);
    case 1: return (long long)(ua - ub);
    case 2: return (long long)(ua * ub);
    case 3: {
      if (b == 0) {
        report_error(err, ERR_INTEGER_DIVISION_BY_ZERO, a);
        return 0;
      }
      if (b == -1) return (long long)(0ULL - ua);  // Long.MIN_VALUE / -1 wraps, as in Java
      long long q = a / b;
      if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
      return q;
    }
    case 4: return (long long)pow((double)a, (double)b);
    case 5: return a >= b ? a : b;
    case 6: return a <= b ? a : b;
    case 7: return a == b ? 1 : 0;
    case 8: return a != b ? 1 : 0;
    case 9: return a > b ? 1 : 0;
    case 10: return a >= b ? 1 : 0;
    case 11: return a < b ? 1 : 0;
    case 12: return a <= b ? 1 : 0;
    default: return 0;
  }
}

// out[i] = op(a[i . aStrides], b[i . bStrides]) over the contiguous output; operand 0 is a, 1 is b.
// out may be a (an in-place update), so neither carries __restrict__.
extern "C" __global__ void binary_f32(int op, const float* a, const float* b, float* out, Iter it,
                                      int n) {
  GRID_STRIDE(i, n) {
    int off[2];
    iter_offsets<2>(it, i, off);
    out[i] = binary_float_op<float>(op, a[off[0]], b[off[1]]);
  }
}
extern "C" __global__ void binary_f64(int op, const double* a, const double* b, double* out,
                                      Iter it, int n) {
  GRID_STRIDE(i, n) {
    int off[2];
    iter_offsets<2>(it, i, off);
    out[i] = binary_float_op<double>(op, a[off[0]], b[off[1]]);
  }
}
extern "C" __global__ void binary_i64(int op, const long long* a, const long long* b,
                                      long long* out, Iter it, int n, long long* err) {
  GRID_STRIDE(i, n) {
    int off[2];
    iter_offsets<2>(it, i, off);
    out[i] = binary_i64_op(op, a[off[0]], b[off[1]], err);
  }
}

// ------------------------------------------------------------------------------------------ where

// out[i] = cond[i . c] != 0 ? a[i . a] : b[i . b]; operands 0 cond, 1 a, 2 b.
#define WHERE(NAME, C, T)                                                                  \
  extern "C" __global__ void NAME(const C* cond, const T* a, const T* b, T* out, Iter it, \
                                  int n) {                                                \
    GRID_STRIDE(i, n) {                                                                   \
      int off[3];                                                                         \
      iter_offsets<3>(it, i, off);                                                        \
      out[i] = cond[off[0]] != (C)0 ? a[off[1]] : b[off[2]];                              \
    }                                                                                     \
  }
WHERE(where_f32_f32, float, float)
WHERE(where_f32_f64, float, double)
WHERE(where_f32_i64, float, long long)
WHERE(where_f64_f32, double, float)
WHERE(where_f64_f64, double, double)
WHERE(where_f64_i64, double, long long)
WHERE(where_i64_f32, long long, float)
WHERE(where_i64_f64, long long, double)
WHERE(where_i64_i64, long long, long long)

// ------------------------------------------------------------------------------------------- axpy

extern "C" __global__ void axpy_f32(float alpha, const float* x, float* y, int n) {
  GRID_STRIDE(i, n) { y[i] += alpha * x[i]; }
}
extern "C" __global__ void axpy_f64(double alpha, const double* x, double* y, int n) {
  GRID_STRIDE(i, n) { y[i] += alpha * x[i]; }
}
extern "C" __global__ void axpy_i64(double alpha, const long long* x, long long* y, int n) {
  GRID_STRIDE(i, n) { y[i] = (long long)((double)y[i] + alpha * (double)x[i]); }
}
