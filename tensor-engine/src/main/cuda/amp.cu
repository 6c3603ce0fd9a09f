// Mixed precision: conversions between float32 and the 16-bit formats (bfloat16, IEEE half) with
// round-to-nearest-even, as torch's .to(torch.bfloat16) / .to(torch.float16) do, and the gradient
// unscale-and-check of dynamic loss scaling (torch's _amp_foreach_non_finite_check_and_unscale_).
// The 16-bit values travel as unsigned short bit patterns, so the kernels need no cuda_bf16.h or
// cuda_fp16.h and compile the same for the GPU and for the emulated driver.
#include "common.cuh"

// ------------------------------------------------------------------------------------- bfloat16

// The top half of the float's bits, rounded to nearest even; NaN stays a (quiet) NaN, and values
// that round past the largest bfloat16 become infinity, as in torch.
__device__ __forceinline__ unsigned short bf16_bits(float f) {
  unsigned int u = __float_as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) {
    return (unsigned short)((u >> 16) | 0x0040u);
  }
  unsigned int lsb = (u >> 16) & 1u;
  return (unsigned short)((u + 0x7fffu + lsb) >> 16);
}

__device__ __forceinline__ float bf16_value(unsigned short h) {
  return __uint_as_float(((unsigned int)h) << 16);
}

extern "C" __global__ void f32_to_bf16(const float* __restrict__ src,
                                       unsigned short* __restrict__ dst, int n) {
  GRID_STRIDE(i, n) { dst[i] = bf16_bits(src[i]); }
}

extern "C" __global__ void bf16_to_f32(const unsigned short* __restrict__ src,
                                       float* __restrict__ dst, int n) {
  GRID_STRIDE(i, n) { dst[i] = bf16_value(src[i]); }
}

// dst = float(bfloat16(src)): what an autocast region computes on, kept in float32 storage.
extern "C" __global__ void round_f32_bf16(const float* __restrict__ src, float* __restrict__ dst,
                                          int n) {
  GRID_STRIDE(i, n) { dst[i] = bf16_value(bf16_bits(src[i])); }
}

// ----------------------------------------------------------------------------------- IEEE half

// Round-to-nearest-even float -> half: normals, subnormals (down to 2^-24), overflow to infinity
// (at 65520 and above), signed zeros, NaN kept quiet.
__device__ __forceinline__ unsigned short f16_bits(float f) {
  unsigned int u = __float_as_uint(f);
  unsigned int sign = (u >> 16) & 0x8000u;
  unsigned int a = u & 0x7fffffffu;
  if (a > 0x7f800000u) {
    return (unsigned short)(sign | 0x7e00u | ((a >> 13) & 0x3ffu));
  }
  if (a >= 0x477ff000u) {  // 65520 and above (and infinity) round to infinity
    return (unsigned short)(sign | 0x7c00u);
  }
  if (a >= 0x38800000u) {  // a normal half: rebias the exponent, round off 13 mantissa bits
    unsigned int lsb = (a >> 13) & 1u;
    return (unsigned short)(sign | ((a - 0x38000000u + 0xfffu + lsb) >> 13));
  }
  if (a < 0x33000000u) {  // below half the smallest subnormal: zero
    return (unsigned short)sign;
  }
  // A subnormal half: the mantissa with its implicit bit, shifted right and rounded to even.
  unsigned int exp = a >> 23;
  unsigned int mant = (a & 0x7fffffu) | 0x800000u;
  unsigned int shift = 126u - exp;  // 14 .. 24
  unsigned int half = 1u << (shift - 1);
  unsigned int rest = mant & ((1u << shift) - 1u);
  unsigned int q = mant >> shift;
  if (rest > half || (rest == half && (q & 1u))) {
    q++;
  }
  return (unsigned short)(sign | q);
}

__device__ __forceinline__ float f16_value(unsigned short h) {
  unsigned int sign = ((unsigned int)h & 0x8000u) << 16;
  unsigned int exp = ((unsigned int)h >> 10) & 0x1fu;
  unsigned int mant = (unsigned int)h & 0x3ffu;
  if (exp == 0x1fu) {
    return __uint_as_float(sign | 0x7f800000u | (mant << 13));
  }
  if (exp != 0) {
    return __uint_as_float(sign | ((exp + 112u) << 23) | (mant << 13));
  }
  // zero or a subnormal: mant * 2^-24, exact in float
  float v = (float)mant * 5.9604644775390625e-8f;
  return sign ? -v : v;
}

extern "C" __global__ void f32_to_f16(const float* __restrict__ src,
                                      unsigned short* __restrict__ dst, int n) {
  GRID_STRIDE(i, n) { dst[i] = f16_bits(src[i]); }
}

extern "C" __global__ void f16_to_f32(const unsigned short* __restrict__ src,
                                      float* __restrict__ dst, int n) {
  GRID_STRIDE(i, n) { dst[i] = f16_value(src[i]); }
}

extern "C" __global__ void round_f32_f16(const float* __restrict__ src, float* __restrict__ dst,
                                         int n) {
  GRID_STRIDE(i, n) { dst[i] = f16_value(f16_bits(src[i])); }
}

// --------------------------------------------------------------------------- dynamic loss scaling

// grad *= invScale in place, and foundInf[0] = 1 when any gradient is infinite or NaN (before or
// after the multiplication), as torch's _amp_foreach_non_finite_check_and_unscale_: the optimizer
// step is then skipped and the scale backed off (LossScaler on the host).
extern "C" __global__ void unscale_check_f32(float* __restrict__ grad, int n, float invScale,
                                             int* __restrict__ foundInf) {
  GRID_STRIDE(i, n) {
    float g = grad[i] * invScale;
    grad[i] = g;
    if (!isfinite(g)) {
      foundInf[0] = 1;
    }
  }
}
