// Reductions and softmax along the middle axis of a contiguous [outer, n, inner] array.
//
// Two layouts: "rows" (inner == 1) gives each row one block of ROWS_BLOCK threads that stride
// along it and combine in shared memory; "cols" (inner > 1) gives each block 32 adjacent inner
// positions (threadIdx.x, so loads coalesce) and splits n over threadIdx.y. Sums of floats
// accumulate in double, as the CPU backend's do; MAX, MIN and ARGMAX propagate NaN and keep the
// first of equal maxima, as the CPU backend's sequential scan does.
#include "common.cuh"

#define ROWS_BLOCK 256
#define COLS_X 32
#define COLS_Y_MAX 32

// ------------------------------------------------------------------------------------------ sums

template <typename T, typename ACC>
__device__ __forceinline__ void sum_rows(const T* __restrict__ x, T* __restrict__ out, int outer,
                                         int n) {
  __shared__ ACC s[ROWS_BLOCK];
  for (int row = blockIdx.x; row < outer; row += gridDim.x) {
    const T* p = x + (long long)row * n;
    ACC acc = 0;
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
      acc += (ACC)p[j];
    }
    s[threadIdx.x] = acc;
    __syncthreads();
    for (int w = blockDim.x / 2; w > 0; w >>= 1) {
      if (threadIdx.x < w) {
        s[threadIdx.x] += s[threadIdx.x + w];
      }
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      out[row] = (T)s[0];
    }
    __syncthreads();
  }
}

template <typename T, typename ACC>
__device__ __forceinline__ void sum_cols(const T* __restrict__ x, T* __restrict__ out, int outer,
                                         int n, int inner) {
  __shared__ ACC s[COLS_Y_MAX][COLS_X + 1];
  int tilesPerOuter = (inner + COLS_X - 1) / COLS_X;
  long long tiles = (long long)outer * tilesPerOuter;
  for (long long t = blockIdx.x; t < tiles; t += gridDim.x) {
    int o = (int)(t / tilesPerOuter);
    int i = (int)(t % tilesPerOuter) * COLS_X + threadIdx.x;
    ACC acc = 0;
    if (i < inner) {
      const T* p = x + (long long)o * n * inner + i;
      for (int j = threadIdx.y; j < n; j += blockDim.y) {
        acc += (ACC)p[(long long)j * inner];
      }
    }
    s[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && i < inner) {
      ACC total = 0;
      for (int k = 0; k < blockDim.y; k++) {
        total += s[k][threadIdx.x];
      }
      out[(long long)o * inner + i] = (T)total;
    }
    __syncthreads();
  }
}

extern "C" __global__ void sum_rows_f32(const float* x, float* out, int outer, int n) {
  sum_rows<float, double>(x, out, outer, n);
}
extern "C" __global__ void sum_rows_f64(const double* x, double* out, int outer, int n) {
  sum_rows<double, double>(x, out, outer, n);
}
extern "C" __global__ void sum_rows_i64(const long long* x, long long* out, int outer, int n) {
  sum_rows<long long, long long>(x, out, outer, n);
}
extern "C" __global__ void sum_cols_f32(const float* x, float* out, int outer, int n, int inner) {
  sum_cols<float, double>(x, out, outer, n, inner);
}
extern "C" __global__ void sum_cols_f64(const double* x, double* out, int outer, int n,
                                        int inner) {
  sum_cols<double, double>(x, out, outer, n, inner);
}
extern "C" __global__ void sum_cols_i64(const long long* x, long long* out, int outer, int n,
                                        int inner) {
  sum_cols<long long, long long>(x, out, outer, n, inner);
}

// ------------------------------------------------------------------------- max, min and argmax

#define EMPTY 0x7fffffff
#define MODE_MAX 0
#define MODE_MIN 1
#define MODE_ARGMAX 2

// Whether (v at index j) replaces the current best (a at index i) in the CPU's sequential scan:
// the first NaN wins for good; otherwise a strictly better value, or an equal one seen earlier.
template <typename T>
__device__ __forceinline__ bool replaces(int mode, T v, int j, T a, int i) {
  if (j == EMPTY) return false;
  if (i == EMPTY) return true;
  bool vn = is_nan(v);
  if (is_nan(a)) return vn && j < i;
  if (vn) return true;
  if (mode == MODE_MIN ? v < a : v > a) return true;
  return v == a && j < i;
}

template <typename T>
__device__ __forceinline__ void write_extreme(int mode, void* out, long long at, T v, int j) {
  if (mode == MODE_ARGMAX) {
    ((long long*)out)[at] = j;
  } else {
    ((T*)out)[at] = v;
  }
}

template <typename T>
__device__ __forceinline__ void extreme_rows(int mode, const T* __restrict__ x, void* out,
                                             int outer, int n) {
  __shared__ T sv[ROWS_BLOCK];
  __shared__ int si[ROWS_BLOCK];
  for (int row = blockIdx.x; row < outer; row += gridDim.x) {
    const T* p = x + (long long)row * n;
    T best = 0;
    int at = EMPTY;
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
      T v = p[j];
      if (replaces(mode, v, j, best, at)) {
        best = v;
        at = j;
      }
    }
    sv[threadIdx.x] = best;
    si[threadIdx.x] = at;
    __syncthreads();
    for (int w = blockDim.x / 2; w > 0; w >>= 1) {
      if (threadIdx.x < w) {
        int k = threadIdx.x + w;
        if (replaces(mode, sv[k], si[k], sv[threadIdx.x], si[threadIdx.x])) {
          sv[threadIdx.x] = sv[k];
          si[threadIdx.x] = si[k];
        }
      }
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      write_extreme<T>(mode, out, row, sv[0], si[0]);
    }
    __syncthreads();
  }
}

template <typename T>
__device__ __forceinline__ void extreme_cols(int mode, const T* __restrict__ x, void* out,
                                             int outer, int n, int inner) {
  __shared__ T sv[COLS_Y_MAX][COLS_X + 1];
  __shared__ int si[COLS_Y_MAX][COLS_X + 1];
  int tilesPerOuter = (inner + COLS_X - 1) / COLS_X;
  long long tiles = (long long)outer * tilesPerOuter;
  for (long long t = blockIdx.x; t < tiles; t += gridDim.x) {
    int o = (int)(t / tilesPerOuter);
    int i = (int)(t % tilesPerOuter) * COLS_X + threadIdx.x;
    T best = 0;
    int at = EMPTY;
    if (i < inner) {
      const T* p = x + (long long)o * n * inner + i;
      for (int j = threadIdx.y; j < n; j += blockDim.y) {
        T v = p[(long long)j * inner];
        if (replaces(mode, v, j, best, at)) {
          best = v;
          at = j;
        }
      }
    }
    sv[threadIdx.y][threadIdx.x] = best;
    si[threadIdx.y][threadIdx.x] = at;
    __syncthreads();
    if (threadIdx.y == 0 && i < inner) {
      for (int k = 1; k < blockDim.y; k++) {
        if (replaces(mode, sv[k][threadIdx.x], si[k][threadIdx.x], best, at)) {
          best = sv[k][threadIdx.x];
          at = si[k][threadIdx.x];
        }
      }
      write_extreme<T>(mode, out, (long long)o * inner + i, best, at);
    }
    __syncthreads();
  }
}

// mode: 0 MAX, 1 MIN (out has x's type), 2 ARGMAX (out is int64).
extern "C" __global__ void extreme_rows_f32(int mode, const float* x, void* out, int outer, int n) {
  extreme_rows<float>(mode, x, out, outer, n);
}
extern "C" __global__ void extreme_rows_f64(int mode, const double* x, void* out, int outer,
                                            int n) {
  extreme_rows<double>(mode, x, out, outer, n);
}
extern "C" __global__ void extreme_rows_i64(int mode, const long long* x, void* out, int outer,
                                            int n) {
  extreme_rows<long long>(mode, x, out, outer, n);
}
extern "C" __global__ void extreme_cols_f32(int mode, const float* x, void* out, int outer, int n,
                                            int inner) {
  extreme_cols<float>(mode, x, out, outer, n, inner);
}
extern "C" __global__ void extreme_cols_f64(int mode, const double* x, void* out, int outer, int n,
                                            int inner) {
  extreme_cols<double>(mode, x, out, outer, n, inner);
}
extern "C" __global__ void extreme_cols_i64(int mode, const long long* x, void* out, int outer,
                                            int n, int inner) {
  extreme_cols<long long>(mode, x, out, outer, n, inner);
}

// ----------------------------------------------------------------------------------------- softmax

// One block per row (inner == 1). As the CPU: the max in the element type (NaN propagates), the
// sum of exp(x - max) in double, then exp(x - max) / sum, or (x - max) - log(sum) for log-softmax.
template <typename T>
__device__ __forceinline__ void softmax_rows(const T* __restrict__ x, T* __restrict__ out,
                                             int rows, int n, int log_softmax) {
  __shared__ T sm[ROWS_BLOCK];
  __shared__ double ss[ROWS_BLOCK];
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    const T* p = x + (long long)row * n;
    T* q = out + (long long)row * n;
    T m = -INFINITY;
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
      m = java_max(m, p[j]);
    }
    sm[threadIdx.x] = m;
    __syncthreads();
    for (int w = blockDim.x / 2; w > 0; w >>= 1) {
      if (threadIdx.x < w) {
        sm[threadIdx.x] = java_max(sm[threadIdx.x], sm[threadIdx.x + w]);
      }
      __syncthreads();
    }
    m = sm[0];
    double sum = 0;
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
      sum += exp((double)(T)(p[j] - m));
    }
    ss[threadIdx.x] = sum;
    __syncthreads();
    for (int w = blockDim.x / 2; w > 0; w >>= 1) {
      if (threadIdx.x < w) {
        ss[threadIdx.x] += ss[threadIdx.x + w];
      }
      __syncthreads();
    }
    sum = ss[0];
    if (log_softmax) {
      T logSum = (T)log(sum);
      for (int j = threadIdx.x; j < n; j += blockDim.x) {
        q[j] = (T)(p[j] - m) - logSum;
      }
    } else {
      double inv = 1.0 / sum;
      for (int j = threadIdx.x; j < n; j += blockDim.x) {
        q[j] = (T)(exp((double)(T)(p[j] - m)) * inv);
      }
    }
    __syncthreads();
  }
}

// One thread per (outer, inner) position (inner > 1), in double throughout, as the CPU.
template <typename T>
__device__ __forceinline__ void softmax_cols(const T* __restrict__ x, T* __restrict__ out,
                                             int outer, int n, int inner, int log_softmax) {
  GRID_STRIDE(t, (long long)outer * inner) {
    long long o = t / inner;
    long long i = t % inner;
    const T* p = x + o * n * inner + i;
    T* q = out + o * n * inner + i;
    double m = -INFINITY;
    for (int j = 0; j < n; j++) {
      m = java_max(m, (double)p[(long long)j * inner]);
    }
    double sum = 0;
    for (int j = 0; j < n; j++) {
      sum += exp((double)p[(long long)j * inner] - m);
    }
    double logSum = log(sum);
    for (int j = 0; j < n; j++) {
      double z = (double)p[(long long)j * inner] - m;
      q[(long long)j * inner] = (T)(log_softmax ? z - logSum : exp(z) / sum);
    }
  }
}

extern "C" __global__ void softmax_rows_f32(const float* x, float* out, int rows, int n, int log) {
  softmax_rows<float>(x, out, rows, n, log);
}
extern "C" __global__ void softmax_rows_f64(const double* x, double* out, int rows, int n,
                                            int log) {
  softmax_rows<double>(x, out, rows, n, log);
}
extern "C" __global__ void softmax_cols_f32(const float* x, float* out, int outer, int n,
                                            int inner, int log) {
  softmax_cols<float>(x, out, outer, n, inner, log);
}
extern "C" __global__ void softmax_cols_f64(const double* x, double* out, int outer, int n,
                                            int inner, int log) {
  softmax_cols<double>(x, out, outer, n, inner, log);
}
