// Row-major GEMM, C = alpha * op(A) @ op(B) + beta * C, for when cuBLAS is not available (a CUDA
// 13 machine: JCublas 12.6 links libcublas.so.12). op(A) is M x K, op(B) is K x N; A is stored
// M x K (lda = K) or, transposed, K x M (lda = M); likewise B. Offsets are in elements. With
// beta == 0, C is not read (as BLAS), so garbage or NaN in C does not leak into the result.
#include "common.cuh"

// ---------------------------------------------------------------------------------------- SGEMM
//
// Block tile BM x BN, K step BK over the slice [pBegin, pEnd) of K (all of it but in split-K),
// 256 threads, each computing a TM x TN micro-tile held in
// registers. Thread (ty, tx) owns rows ty + r * (BM / TM) and columns tx + c * (BN / TN): the
// shared-memory reads of a warp then hit distinct banks or broadcast, and the stores of C by
// consecutive tx are consecutive addresses. Tiles are stored k-major (As[p][i], Bs[p][j]) and
// padded by 4 so that the transposing stores of the non-transposed A (and transposed B) loads are
// free of bank conflicts too.

template <int BM, int BN, int BK, int TM, int TN>
__device__ __forceinline__ void sgemm_tiled(int transA, int transB, int M, int N, int K, float alpha,
                                            const float* __restrict__ A, int offA,
                                            const float* __restrict__ B, int offB, float beta,
                                            float* __restrict__ C, int offC, int pBegin,
                                            int pEnd) {
  constexpr int THREADS_X = BN / TN;  // threads along a row of the tile
  constexpr int THREADS_Y = BM / TM;
  constexpr int THREADS = THREADS_X * THREADS_Y;
  constexpr int A_LOADS = BM * BK / THREADS;
  constexpr int B_LOADS = BN * BK / THREADS;
  static_assert(THREADS == 256, "the launch uses 256 threads");
  static_assert(BM * BK % THREADS == 0 && BN * BK % THREADS == 0, "tiles split evenly");

  __shared__ float As[BK][BM + 4];
  __shared__ float Bs[BK][BN + 4];

  A += offA;
  B += offB;
  C += offC;
  const int lda = transA ? M : K;
  const int ldb = transB ? K : N;
  const int tid = threadIdx.x;
  const int tx = tid % THREADS_X;
  const int ty = tid / THREADS_X;
  const int tilesM = (M + BM - 1) / BM;
  const int tilesN = (N + BN - 1) / BN;

  for (int tileM = blockIdx.y; tileM < tilesM; tileM += gridDim.y) {
    for (int tileN = blockIdx.x; tileN < tilesN; tileN += gridDim.x) {
      const int row0 = tileM * BM;
      const int col0 = tileN * BN;
      float acc[TM][TN];
#pragma unroll
      for (int r = 0; r < TM; r++) {
#pragma unroll
        for (int c = 0; c < TN; c++) {
          acc[r][c] = 0.0f;
        }
      }

      for (int p0 = pBegin; p0 < pEnd; p0 += BK) {
#pragma unroll
        for (int l = 0; l < A_LOADS; l++) {
          int e = tid + l * THREADS;
          // Consecutive threads read consecutive addresses of whichever layout A has.
          int i = transA ? e % BM : e / BK;
          int p = transA ? e / BM : e % BK;
          int gi = row0 + i;
          int gp = p0 + p;
          float v = 0.0f;
          if (gi < M && gp < pEnd) {
            v = transA ? A[(long long)gp * lda + gi] : A[(long long)gi * lda + gp];
          }
          As[p][i] = v;
        }
#pragma unroll
        for (int l = 0; l < B_LOADS; l++) {
          int e = tid + l * THREADS;
          int j = transB ? e / BK : e % BN;
          int p = transB ? e % BK : e / BN;
          int gj = col0 + j;
          int gp = p0 + p;
          float v = 0.0f;
          if (gj < N && gp < pEnd) {
            v = transB ? B[(long long)gj * ldb + gp] : B[(long long)gp * ldb + gj];
          }
          Bs[p][j] = v;
        }
        __syncthreads();

#pragma unroll
        for (int p = 0; p < BK; p++) {
          float a[TM];
          float b[TN];
#pragma unroll
          for (int r = 0; r < TM; r++) {
            a[r] = As[p][ty + r * THREADS_Y];
          }
#pragma unroll
          for (int c = 0; c < TN; c++) {
            b[c] = Bs[p][tx + c * THREADS_X];
          }
#pragma unroll
          for (int r = 0; r < TM; r++) {
#pragma unroll
            for (int c = 0; c < TN; c++) {
              acc[r][c] = fmaf(a[r], b[c], acc[r][c]);
            }
          }
        }
        __syncthreads();
      }

#pragma unroll
      for (int r = 0; r < TM; r++) {
        int gi = row0 + ty + r * THREADS_Y;
        if (gi < M) {
#pragma unroll
          for (int c = 0; c < TN; c++) {
            int gj = col0 + tx + c * THREADS_X;
            if (gj < N) {
              float* out = &C[(long long)gi * N + gj];
              *out = beta == 0.0f ? alpha * acc[r][c] : alpha * acc[r][c] + beta * *out;
            }
          }
        }
      }
    }
  }
}

#define SGEMM_ARGS                                                                             \
  int transA, int transB, int M, int N, int K, float alpha, const float *A, int offA,          \
      const float *B, int offB, float beta, float *C, int offC
#define SGEMM_PASS transA, transB, M, N, K, alpha, A, offA, B, offB, beta, C, offC, 0, K

// 128 x 128 tiles with 8 x 8 per thread: for products with enough tiles to fill the GPU.
extern "C" __global__ void __launch_bounds__(256, 2) sgemm_128x128(SGEMM_ARGS) {
  sgemm_tiled<128, 128, 8, 8, 8>(SGEMM_PASS);
}

// 64 x 64 tiles with 4 x 4 per thread: four times the blocks, for mid-sized products.
extern "C" __global__ void __launch_bounds__(256) sgemm_64x64(SGEMM_ARGS) {
  sgemm_tiled<64, 64, 8, 4, 4>(SGEMM_PASS);
}

// Strided batches: product z of `batch` uses A + z * strideA, B + z * strideB, C + z * strideC
// (a stride of 0 repeats an operand, as a convolution's weight), one launch for all of them. The
// grid's z dimension walks the batch (grid-stride, so any batch size fits the grid's limit).
#define BATCH_ARGS int batch, long long strideA, long long strideB, long long strideC

extern "C" __global__ void __launch_bounds__(256, 2)
    sgemm_128x128_batched(SGEMM_ARGS, BATCH_ARGS) {
  for (int z = blockIdx.z; z < batch; z += gridDim.z) {
    sgemm_tiled<128, 128, 8, 8, 8>(transA, transB, M, N, K, alpha, A + z * strideA, offA,
                                   B + z * strideB, offB, beta, C + z * strideC, offC, 0, K);
  }
}

extern "C" __global__ void __launch_bounds__(256) sgemm_64x64_batched(SGEMM_ARGS, BATCH_ARGS) {
  for (int z = blockIdx.z; z < batch; z += gridDim.z) {
    sgemm_tiled<64, 64, 8, 4, 4>(transA, transB, M, N, K, alpha, A + z * strideA, offA,
                                 B + z * strideB, offB, beta, C + z * strideC, offC, 0, K);
  }
}

// -------------------------------------------------------------------------------------- split-K
//
// A narrow product (one side a few columns wide, a long K: a classifier's 10 outputs) has too few
// output tiles to occupy the GPU. Split-K gives each of `slices` grid-z blocks the K range
// [z * kChunk, (z + 1) * kChunk) and writes its partial product, unscaled, to W + z * M * N (a
// workspace, row-major M x N per slice); sgemm_splitk_reduce then sums the slices in order (so
// the result does not depend on scheduling) and applies alpha and beta. TiledGemm picks the split.

extern "C" __global__ void __launch_bounds__(256)
    sgemm_64x64_splitk(int transA, int transB, int M, int N, int K, const float* A, int offA,
                       const float* B, int offB, float* W, int kChunk, int slices) {
  for (int z = blockIdx.z; z < slices; z += gridDim.z) {
    int pBegin = z * kChunk;
    int pEnd = K - pBegin < kChunk ? K : pBegin + kChunk;
    sgemm_tiled<64, 64, 8, 4, 4>(transA, transB, M, N, K, 1.0f, A, offA, B, offB, 0.0f,
                                 W + (long long)z * M * N, 0, pBegin, pEnd);
  }
}

// C[i] = alpha * sum_z W[z * size + i] + beta * C[i] over the size = M * N outputs; C is not read
// when beta == 0, as in the GEMM itself.
extern "C" __global__ void sgemm_splitk_reduce(int size, int slices, const float* W, float alpha,
                                               float beta, float* C, int offC) {
  C += offC;
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < size;
       i += (long long)gridDim.x * blockDim.x) {
    float acc = 0.0f;
    for (int z = 0; z < slices; z++) {
      acc += W[z * (long long)size + i];
    }
    C[i] = beta == 0.0f ? alpha * acc : alpha * acc + beta * C[i];
  }
}

// ---------------------------------------------------------------------------------------- DGEMM
//
// The float64 path serves gradient checks, not speed: 16 x 16 tiles, one output per thread.

#define DTILE 16

__device__ __forceinline__ void dgemm_tiled(int transA, int transB, int M, int N, int K,
                                            double alpha, const double* __restrict__ A, int offA,
                                            const double* __restrict__ B, int offB, double beta,
                                            double* __restrict__ C, int offC) {
  __shared__ double As[DTILE][DTILE + 1];
  __shared__ double Bs[DTILE][DTILE + 1];
  A += offA;
  B += offB;
  C += offC;
  const int lda = transA ? M : K;
  const int ldb = transB ? K : N;
  const int tx = threadIdx.x;
  const int ty = threadIdx.y;
  const int tilesM = (M + DTILE - 1) / DTILE;
  const int tilesN = (N + DTILE - 1) / DTILE;
  for (int tileM = blockIdx.y; tileM < tilesM; tileM += gridDim.y) {
    for (int tileN = blockIdx.x; tileN < tilesN; tileN += gridDim.x) {
      int i = tileM * DTILE + ty;
      int j = tileN * DTILE + tx;
      double acc = 0.0;
      for (int p0 = 0; p0 < K; p0 += DTILE) {
        // As[ty][tx] = op(A)[i, p0 + tx]; Bs[ty][tx] = op(B)[p0 + ty, j]
        int pa = p0 + tx;
        As[ty][tx] = (i < M && pa < K)
                         ? (transA ? A[(long long)pa * lda + i] : A[(long long)i * lda + pa])
                         : 0.0;
        int pb = p0 + ty;
        Bs[ty][tx] = (j < N && pb < K)
                         ? (transB ? B[(long long)j * ldb + pb] : B[(long long)pb * ldb + j])
                         : 0.0;
        __syncthreads();
#pragma unroll
        for (int p = 0; p < DTILE; p++) {
          acc = fma(As[ty][p], Bs[p][tx], acc);
        }
        __syncthreads();
      }
      if (i < M && j < N) {
        double* out = &C[(long long)i * N + j];
        *out = beta == 0.0 ? alpha * acc : alpha * acc + beta * *out;
      }
    }
  }
}

#define DGEMM_ARGS                                                                           \
  int transA, int transB, int M, int N, int K, double alpha, const double *A, int offA,      \
      const double *B, int offB, double beta, double *C, int offC

extern "C" __global__ void dgemm_16x16(DGEMM_ARGS) {
  dgemm_tiled(transA, transB, M, N, K, alpha, A, offA, B, offB, beta, C, offC);
}

extern "C" __global__ void dgemm_16x16_batched(DGEMM_ARGS, BATCH_ARGS) {
  for (int z = blockIdx.z; z < batch; z += gridDim.z) {
    dgemm_tiled(transA, transB, M, N, K, alpha, A + z * strideA, offA, B + z * strideB, offB, beta,
                C + z * strideC, offC);
  }
}
