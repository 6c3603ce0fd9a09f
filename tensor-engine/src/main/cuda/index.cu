// Gather and scatter by INT64 index along the middle axis of [outer, n, inner]. An index outside
// [0, n) is not followed: the first one is written to the stream's error record, which the host
// reads back and turns into an IndexOutOfBoundsException.
//
// Gathers move whole elements, so they are written for 4- and 8-byte words and serve every dtype;
// the adds are atomic, since indices may repeat.
#include "common.cuh"

// small[o, j, i] = big[o, index[o, j, i], i], with small [outer, k, inner].
template <typename W>
__device__ __forceinline__ void gather(const W* __restrict__ big, const long long* __restrict__ index,
                                       W* __restrict__ small, int outer, int n, int inner, int k,
                                       long long* err) {
  long long total = (long long)outer * k * inner;
  GRID_STRIDE(s, total) {
    long long i = s % inner;
    long long o = s / ((long long)k * inner);
    long long t = index[s];
    if (t < 0 || t >= n) {
      report_error(err, ERR_INDEX_OUT_OF_BOUNDS, t);
    } else {
      small[s] = big[(o * n + t) * inner + i];
    }
  }
}

// big[o, index[o, j, i], i] += small[o, j, i].
template <typename T>
__device__ __forceinline__ void scatter_add(const T* __restrict__ small,
                                            const long long* __restrict__ index, T* big, int outer,
                                            int n, int inner, int k, long long* err) {
  long long total = (long long)outer * k * inner;
  GRID_STRIDE(s, total) {
    long long i = s % inner;
    long long o = s / ((long long)k * inner);
    long long t = index[s];
    if (t < 0 || t >= n) {
      report_error(err, ERR_INDEX_OUT_OF_BOUNDS, t);
    } else {
      atomic_add(&big[(o * n + t) * inner + i], small[s]);
    }
  }
}

// small[o, j, i] = big[o, index[j], i].
template <typename W>
__device__ __forceinline__ void index_select(const W* __restrict__ big,
                                             const long long* __restrict__ index,
                                             W* __restrict__ small, int outer, int n, int inner,
                                             int k, long long* err) {
  long long total = (long long)outer * k * inner;
  GRID_STRIDE(s, total) {
    long long i = s % inner;
    long long j = (s / inner) % k;
    long long o = s / ((long long)k * inner);
    long long t = index[j];
    if (t < 0 || t >= n) {
      report_error(err, ERR_INDEX_OUT_OF_BOUNDS, t);
    } else {
      small[s] = big[(o * n + t) * inner + i];
    }
  }
}

// big[o, index[j], i] += small[o, j, i].
template <typename T>
__device__ __forceinline__ void index_add(const T* __restrict__ small,
                                          const long long* __restrict__ index, T* big, int outer,
                                          int n, int inner, int k, long long* err) {
  long long total = (long long)outer * k * inner;
  GRID_STRIDE(s, total) {
    long long i = s % inner;
    long long j = (s / inner) % k;
    long long o = s / ((long long)k * inner);
    long long t = index[j];
    if (t < 0 || t >= n) {
      report_error(err, ERR_INDEX_OUT_OF_BOUNDS, t);
    } else {
      atomic_add(&big[(o * n + t) * inner + i], small[s]);
    }
  }
}

#define INDEX_ARGS int outer, int n, int inner, int k, long long *err
#define INDEX_PASS outer, n, inner, k, err

extern "C" __global__ void gather_w32(const unsigned int* big, const long long* index,
                                      unsigned int* small, INDEX_ARGS) {
  gather<unsigned int>(big, index, small, INDEX_PASS);
}
extern "C" __global__ void gather_w64(const unsigned long long* big, const long long* index,
                                      unsigned long long* small, INDEX_ARGS) {
  gather<unsigned long long>(big, index, small, INDEX_PASS);
}
extern "C" __global__ void index_select_w32(const unsigned int* big, const long long* index,
                                            unsigned int* small, INDEX_ARGS) {
  index_select<unsigned int>(big, index, small, INDEX_PASS);
}
extern "C" __global__ void index_select_w64(const unsigned long long* big, const long long* index,
                                            unsigned long long* small, INDEX_ARGS) {
  index_select<unsigned long long>(big, index, small, INDEX_PASS);
}
extern "C" __global__ void scatter_add_f32(const float* small, const long long* index, float* big,
                                           INDEX_ARGS) {
  scatter_add<float>(small, index, big, INDEX_PASS);
}
extern "C" __global__ void scatter_add_f64(const double* small, const long long* index, double* big,
                                           INDEX_ARGS) {
  scatter_add<double>(small, index, big, INDEX_PASS);
}
extern "C" __global__ void scatter_add_i64(const long long* small, const long long* index,
                                           long long* big, INDEX_ARGS) {
  scatter_add<long long>(small, index, big, INDEX_PASS);
}
extern "C" __global__ void index_add_f32(const float* small, const long long* index, float* big,
                                         INDEX_ARGS) {
  index_add<float>(small, index, big, INDEX_PASS);
}
extern "C" __global__ void index_add_f64(const double* small, const long long* index, double* big,
                                         INDEX_ARGS) {
  index_add<double>(small, index, big, INDEX_PASS);
}
extern "C" __global__ void index_add_i64(const long long* small, const long long* index,
                                         long long* big, INDEX_ARGS) {
  index_add<long long>(small, index, big, INDEX_PASS);
}
