// Fused kernels (issue 20): a layer's bias and activation in one pass over its output, and softmax
// with cross-entropy in one pass over the logits. Each mirrors the CPU backend's FusedKernels
// element for element; activation codes are the unary ones of elementwise.cu (CudaOps.code).
#include "common.cuh"

// 6 RELU (NaN stays NaN in float32, as Math.max; x > 0 ? x : 0 in float64, as UnaryOp.RELU),
// 8 SIGMOID, 9 TANH.
__device__ __forceinline__ float fused_act(int op, float x) {
  switch (op) {
    case 6: return is_nan(x) ? x : (x > 0.0f ? x : 0.0f);
    case 8: return (float)(x >= 0.0f ? 1.0 / (1.0 + exp(-(double)x))
                                     : exp((double)x) / (1.0 + exp((double)x)));
    case 9: return (float)tanh((double)x);
    default: return __int_as_float(0x7fffffff);
  }
}

__device__ __forceinline__ double fused_act(int op, double x) {
  switch (op) {
    case 6: return x > 0.0 ? x : 0.0;
    case 8: return x >= 0.0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
    case 9: return tanh(x);
    default: return __longlong_as_double(0x7ff8000000000000LL);
  }
}

// out[r, c] = act(x[r, c] + bias[c]); out may be x.
template <typename T>
__device__ __forceinline__ void bias_act(int op, const T* x, const T* __restrict__ bias, T* out,
                                         int rows, int cols) {
  GRID_STRIDE(i, (long long)rows * cols) { out[i] = fused_act(op, (T)(x[i] + bias[i % cols])); }
}

extern "C" __global__ void bias_act_f32(int op, const float* x, const float* bias, float* out,
                                        int rows, int cols) {
  bias_act<float>(op, x, bias, out, rows, cols);
}
extern "C" __global__ void bias_act_f64(int op, const double* x, const double* bias, double* out,
                                        int rows, int cols) {
  bias_act<double>(op, x, bias, out, rows, cols);
}

// One thread per row (classifiers' rows are short: 10 to 1000 classes), in double as the CPU:
// probs[r, :] = softmax(logits[r, :]), losses[r] = log(sum exp(l - m)) - (l[t] - m). A row whose
// target is `ignore` gets loss 0 (and no gradient); another target outside [0, classes) is
// reported and its row left unwritten.
template <typename T>
__device__ __forceinline__ void cross_entropy(const T* __restrict__ logits,
                                              const long long* __restrict__ targets,
                                              T* __restrict__ losses, T* __restrict__ probs,
                                              int rows, int classes, long long ignore,
                                              long long* err) {
  GRID_STRIDE(r, rows) {
    long long t = targets[r];
    if (t == ignore) {
      losses[r] = 0;
      continue;
    }
    if (t < 0 || t >= classes) {
      report_error(err, ERR_INDEX_OUT_OF_BOUNDS, t);
      continue;
    }
    const T* l = logits + r * classes;
    T* p = probs + r * classes;
    double m = -INFINITY;
    for (int c = 0; c < classes; c++) {
      m = java_max(m, (double)l[c]);
    }
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      sum += exp((double)l[c] - m);
    }
    double inv = 1.0 / sum;
    for (int c = 0; c < classes; c++) {
      p[c] = (T)(exp((double)l[c] - m) * inv);
    }
    losses[r] = (T)(log(sum) - ((double)l[t] - m));
  }
}

extern "C" __global__ void cross_entropy_f32(const float* logits, const long long* targets,
                                             float* losses, float* probs, int rows, int classes,
                                             long long ignore, long long* err) {
  cross_entropy<float>(logits, targets, losses, probs, rows, classes, ignore, err);
}
extern "C" __global__ void cross_entropy_f64(const double* logits, const long long* targets,
                                             double* losses, double* probs, int rows, int classes,
                                             long long ignore, long long* err) {
  cross_entropy<double>(logits, targets, losses, probs, rows, classes, ignore, err);
}

// out[r, c] = (probs[r, c] - (c == t[r])) * g[r], 0 in rows whose target is `ignore`.
template <typename T>
__device__ __forceinline__ void cross_entropy_backward(const T* __restrict__ probs,
                                                       const long long* __restrict__ targets,
                                                       const T* __restrict__ g, T* __restrict__ out,
                                                       int rows, int classes, long long ignore,
                                                       long long* err) {
  GRID_STRIDE(i, (long long)rows * classes) {
    long long r = i / classes;
    long long t = targets[r];
    if (t == ignore) {
      out[i] = 0;
      continue;
    }
    if (t < 0 || t >= classes) {
      report_error(err, ERR_INDEX_OUT_OF_BOUNDS, t);
      continue;
    }
    double p = (double)probs[i] - (i - r * classes == t ? 1.0 : 0.0);
    out[i] = (T)(p * (double)g[r]);
  }
}

extern "C" __global__ void cross_entropy_backward_f32(const float* probs,
                                                      const long long* targets, const float* g,
                                                      float* out, int rows, int classes,
                                                      long long ignore, long long* err) {
  cross_entropy_backward<float>(probs, targets, g, out, rows, classes, ignore, err);
}
extern "C" __global__ void cross_entropy_backward_f64(const double* probs,
                                                      const long long* targets, const double* g,
                                                      double* out, int rows, int classes,
                                                      long long ignore, long long* err) {
  cross_entropy_backward<double>(probs, targets, g, out, rows, classes, ignore, err);
}
