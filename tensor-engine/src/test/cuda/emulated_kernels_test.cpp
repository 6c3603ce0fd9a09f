// Runs every kernel of src/main/cuda on the CPU through cuda_emulation.h, with the launch shapes
// the Java backend uses, and compares with plain sequential definitions (ports of the CPU
// backend's). Build and run: run-emulated-kernels.sh. Exit status 0 when everything matches.
#include "cuda_emulation.h"

#include "../../main/cuda/amp.cu"
#include "../../main/cuda/elementwise.cu"
#include "../../main/cuda/fused.cu"
#include "../../main/cuda/gemm.cu"
#include "../../main/cuda/index.cu"
#include "../../main/cuda/reduce.cu"

#include "amp_golden.h"

#include <cstdio>
#include <limits>
#include <random>
#include <string>

static int failures = 0;
static int checks = 0;

static void expect(bool ok, const std::string& what) {
  checks++;
  if (!ok && failures++ < 40) std::printf("FAIL: %s\n", what.c_str());
}

static bool close_to(double got, double want, double tol) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::fabs(got - want) <= tol;
}

static std::mt19937_64 rng(7);
static std::vector<float> gaussian(size_t n) {
  std::normal_distribution<float> d;
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// The Java backend's launch of a grid-stride kernel: 256 threads, capped blocks (small here).
static dim3 blocks_for(long long n, int cap = 3) {
  long long b = (n + 255) / 256;
  return dim3{(unsigned)std::max(1LL, std::min(b, (long long)cap)), 1, 1};
}
static const dim3 T256{256, 1, 1};

// org.sparkgrad.backend.Layout.coalesce, then StridedArgs.pack.
static Iter pack(std::vector<int> shape, std::vector<std::vector<int>> strides, int operands) {
  std::vector<int> s;
  std::vector<std::vector<int>> st(strides.size());
  for (size_t d = 0; d < shape.size(); d++) {
    if (shape[d] == 1) continue;
    bool merge = !s.empty();
    for (size_t o = 0; merge && o < strides.size(); o++) {
      merge = st[o].back() == strides[o][d] * shape[d];
    }
    if (merge) {
      s.back() *= shape[d];
      for (size_t o = 0; o < strides.size(); o++) st[o].back() = strides[o][d];
    } else {
      s.push_back(shape[d]);
      for (size_t o = 0; o < strides.size(); o++) st[o].push_back(strides[o][d]);
    }
  }
  if (s.empty()) {
    s.push_back(1);
    for (auto& v : st) v.push_back(0);
  }
  Iter it{};
  it.rank = (int)s.size();
  for (int d = 0; d < it.rank; d++) {
    it.shape[d] = s[d];
    for (int o = 0; o < operands; o++) it.strides[o][d] = st[o][d];
  }
  return it;
}

static std::vector<int> contiguous(const std::vector<int>& shape) {
  std::vector<int> s(shape.size());
  int acc = 1;
  for (int d = (int)shape.size() - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

// ------------------------------------------------------------------------------- reference maps

static double phi_cdf(double x) { return 0.5 * (1 + std::erf(x / std::sqrt(2.0))); }
static double unary_ref(int op, double x) {
  switch (op) {
    case 0: return -x;
    case 1: return std::exp(x);
    case 2: return std::log(x);
    case 3: return std::sqrt(x);
    case 4: return std::fabs(x);
    case 5: return x > 0 ? 1 : (x < 0 ? -1 : x);
    case 6: return x > 0 ? x : 0;
    case 7: return x > 0 ? 1 : 0;
    case 8: return 1 / (1 + std::exp(-x));
    case 9: return std::tanh(x);
    case 10: return x * phi_cdf(x);
    case 11: return phi_cdf(x) + x * std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
  }
  return NAN;
}
static double binary_ref(int op, double a, double b) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return std::pow(a, b);
    case 5: return (std::isnan(a) || std::isnan(b)) ? NAN : std::max(a, b);
    case 6: return (std::isnan(a) || std::isnan(b)) ? NAN : std::min(a, b);
    case 7: return a == b;
    case 8: return a != b;
    case 9: return a > b;
    case 10: return a >= b;
    case 11: return a < b;
    case 12: return a <= b;
  }
  return NAN;
}

// -------------------------------------------------------------------------------------- tests

static void test_unary() {
  std::vector<float> x = {-2.5f, -1, -0.1f, 0, 0.3f, 1, 4, NAN};
  for (int op = 0; op < 12; op++) {
    std::vector<float> in = x;
    if (op == 2 || op == 3) {
      for (auto& v : in) v = std::fabs(v) + 0.5f;
    }
    std::vector<float> out(in.size());
    int n = (int)in.size();
    emulate_launch(blocks_for(n), T256, [&] { unary_f32(op, in.data(), out.data(), n); });
    std::vector<double> outd(in.size());
    std::vector<double> ind(in.begin(), in.end());
    emulate_launch(blocks_for(n), T256, [&] { unary_f64(op, ind.data(), outd.data(), n); });
    for (int i = 0; i < n - 1; i++) {
      double want = unary_ref(op, in[i]);
      expect(close_to(out[i], want, 1e-6 * (1 + std::fabs(want))),
             "unary_f32 op " + std::to_string(op) + " at " + std::to_string(in[i]));
      expect(close_to(outd[i], want, 1e-13 * (1 + std::fabs(want))),
             "unary_f64 op " + std::to_string(op) + " at " + std::to_string(in[i]));
    }
  }
  // ReLU keeps NaN for float32 (the CPU's Math.max loop) and maps it to 0 for float64.
  float nanIn = NAN, out = 0;
  emulate_launch(dim3{1}, T256, [&] { unary_f32(6, &nanIn, &out, 1); });
  expect(std::isnan(out), "relu_f32(NaN) is NaN");
  double nanD = NAN, outD = 1;
  emulate_launch(dim3{1}, T256, [&] { unary_f64(6, &nanD, &outD, 1); });
  expect(outD == 0, "relu_f64(NaN) is 0");
}

static void test_binary_broadcast() {
  std::vector<float> a = {1, -2, 3, 0.5f, 2, -1};
  std::vector<float> row = {2, 2, -1};
  std::vector<float> col = {0.5f, 3};
  std::vector<int> shape = {2, 3};
  for (int op = 0; op < 13; op++) {
    for (int which = 0; which < 2; which++) {
      std::vector<float>& b = which == 0 ? row : col;
      std::vector<int> bStrides = which == 0 ? std::vector<int>{0, 1} : std::vector<int>{1, 0};
      Iter it = pack(shape, {{3, 1}, bStrides, contiguous(shape)}, 2);
      std::vector<float> out(6);
      emulate_launch(blocks_for(6), T256,
                     [&] { binary_f32(op, a.data(), b.data(), out.data(), it, 6); });
      for (int i = 0; i < 6; i++) {
        double bv = which == 0 ? row[i % 3] : col[i / 3];
        double want = (float)binary_ref(op, a[i], bv);
        expect(close_to(out[i], want, 1e-6),
               "binary_f32 op " + std::to_string(op) + " broadcast " + std::to_string(which) +
                   " [" + std::to_string(i) + "]");
      }
    }
  }
  // A 3-d broadcast whose axes do not merge: a [4, 1, 5] with b [1, 3, 1].
  std::vector<int> s3 = {4, 3, 5};
  std::vector<float> a3 = gaussian(20), b3 = gaussian(3), o3(60);
  Iter it3 = pack(s3, {{5, 0, 1}, {0, 1, 0}, contiguous(s3)}, 2);
  expect(it3.rank == 3, "[4,1,5] x [1,3,1] keeps three axes");
  emulate_launch(blocks_for(60), T256,
                 [&] { binary_f32(1, a3.data(), b3.data(), o3.data(), it3, 60); });
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 5; k++)
        expect(o3[(i * 3 + j) * 5 + k] == a3[i * 5 + k] - b3[j], "3-d broadcast sub");
}

static void test_int64_binary() {
  std::vector<long long> a = {7, -7, std::numeric_limits<long long>::min(), 1LL << 60, 5, -3};
  std::vector<long long> b = {2, 2, -1, 3, -2, 4};
  std::vector<long long> out(6);
  long long err[3] = {0, 0, 0};
  std::vector<int> shape = {6};
  Iter it = pack(shape, {{1}, {1}, {1}}, 2);
  emulate_launch(blocks_for(6), T256,
                 [&] { binary_i64(3, a.data(), b.data(), out.data(), it, 6, err); });
  long long want[] = {3, -4, std::numeric_limits<long long>::min(), (1LL << 60) / 3, -3, -1};
  for (int i = 0; i < 6; i++) expect(out[i] == want[i], "floorDiv " + std::to_string(i));
  expect(err[0] == 0, "no error without a zero divisor");
  b[4] = 0;
  emulate_launch(blocks_for(6), T256,
                 [&] { binary_i64(3, a.data(), b.data(), out.data(), it, 6, err); });
  expect(err[0] == ERR_INTEGER_DIVISION_BY_ZERO && err[1] == 5, "division by zero reported");
  // Wrapping multiplication, as Java's long.
  std::vector<long long> big = {std::numeric_limits<long long>::max()}, two = {2}, prod(1);
  Iter it1 = pack({1}, {{1}, {1}, {1}}, 2);
  long long err2[3] = {0, 0, 0};
  emulate_launch(dim3{1}, T256,
                 [&] { binary_i64(2, big.data(), two.data(), prod.data(), it1, 1, err2); });
  expect(prod[0] == -2, "int64 multiplication wraps");
}

static void test_copy_and_add() {
  // Transpose [2, 3] -> [3, 2].
  std::vector<float> src = {1, 2, 3, 4, 5, 6}, dst(6);
  std::vector<int> shape = {3, 2};
  Iter it = pack(shape, {{1, 3}, {2, 1}}, 2);
  emulate_launch(blocks_for(6), T256,
                 [&] { copy_f32_f32(src.data(), 0, dst.data(), 0, it, 6); });
  float want[] = {1, 4, 2, 5, 3, 6};
  for (int i = 0; i < 6; i++) expect(dst[i] == want[i], "transpose copy");
  // Offsets and a broadcast source.
  std::vector<float> s2 = {9, 1, 2}, d2(7);
  Iter it2 = pack({2, 2}, {{0, 1}, {2, 1}}, 2);
  emulate_launch(blocks_for(4), T256, [&] { copy_f32_f32(s2.data(), 1, d2.data(), 3, it2, 4); });
  float want2[] = {0, 0, 0, 1, 2, 1, 2};
  for (int i = 0; i < 7; i++) expect(d2[i] == want2[i], "offset broadcast copy");
  // Overlapping destinations accumulate every contribution (atomics), across many threads.
  std::vector<float> s3 = {1, 2, 3, 4}, d3 = {10, 10, 10};
  Iter it3 = pack({2, 2}, {{2, 1}, {1, 1}}, 2);
  emulate_launch(blocks_for(4), T256,
                 [&] { copy_add_f32_f32(s3.data(), 0, d3.data(), 0, it3, 4); });
  expect(d3[0] == 11 && d3[1] == 15 && d3[2] == 14, "copyAdd overlapping");
  // im2col's adjoint at scale: 3x3 windows over a 20x20 image, all added back.
  int h = 20, k = 3, o = h - k + 1;
  std::vector<float> g((size_t)k * k * o * o, 1.0f), img(h * h, 0.0f);
  std::vector<int> ps = {k, k, o, o};
  Iter it4 = pack(ps, {contiguous(ps), {h, 1, h, 1}}, 2);
  int n4 = k * k * o * o;
  emulate_launch(blocks_for(n4), T256,
                 [&] { copy_add_f32_f32(g.data(), 0, img.data(), 0, it4, n4); });
  for (int y = 0; y < h; y++)
    for (int x = 0; x < h; x++) {
      int cy = std::min(y, k - 1) - std::max(0, y - (o - 1)) + 1;
      int cx = std::min(x, k - 1) - std::max(0, x - (o - 1)) + 1;
      expect(img[y * h + x] == (float)(cy * cx), "im2col adjoint counts windows");
    }
  // Casts go through double; float -> int64 truncates toward zero.
  std::vector<float> f = {1.9f, -1.9f, 0, 3};
  std::vector<long long> l(4);
  emulate_launch(blocks_for(4), T256, [&] { cast_f32_i64(f.data(), l.data(), 4); });
  expect(l[0] == 1 && l[1] == -1 && l[2] == 0 && l[3] == 3, "cast f32 -> i64");
  std::vector<long long> li = {7, -8};
  std::vector<double> di(2);
  emulate_launch(blocks_for(2), T256, [&] { cast_i64_f64(li.data(), di.data(), 2); });
  expect(di[0] == 7 && di[1] == -8, "cast i64 -> f64");
}

static void test_where_fill_axpy() {
  std::vector<float> cond = {1, 0}, a = {1, 2, 3, 4}, b = {-1}, out(4);
  Iter it = pack({2, 2}, {{0, 1}, {2, 1}, {0, 0}, {2, 1}}, 3);
  emulate_launch(blocks_for(4), T256,
                 [&] { where_f32_f32(cond.data(), a.data(), b.data(), out.data(), it, 4); });
  expect(out[0] == 1 && out[1] == -1 && out[2] == 3 && out[3] == -1, "where");
  std::vector<float> y = {1, 1, 1}, x = {1, 2, 3};
  emulate_launch(blocks_for(3), T256, [&] { axpy_f32(-2, x.data(), y.data(), 3); });
  expect(y[0] == -1 && y[1] == -3 && y[2] == -5, "axpy");
  int n = 1000;
  std::vector<long long> l(n);
  emulate_launch(blocks_for(n), T256, [&] { fill_i64(l.data(), n, -5); });
  bool all = true;
  for (auto v : l) all &= v == -5;
  expect(all, "fill over a grid-stride loop");
}

// The CPU backend's sequential reduction.
static void reduce_ref(int mode, const std::vector<float>& x, int outer, int n, int inner,
                       std::vector<double>& out) {
  out.assign((size_t)outer * inner, 0);
  for (int o = 0; o < outer; o++)
    for (int i = 0; i < inner; i++) {
      size_t base = (size_t)o * n * inner + i;
      double acc = mode == 3 ? 0 : x[base];
      int arg = 0;
      for (int j = 0; j < n; j++) {
        double v = x[base + (size_t)j * inner];
        if (mode == 3) {
          acc += v;
        } else if (mode == 0 || mode == 2) {
          if (!std::isnan(acc) && (v > acc || std::isnan(v))) {
            acc = v;
            arg = j;
          }
        } else if (!std::isnan(acc) && (v < acc || std::isnan(v))) {
          acc = v;
        }
      }
      out[(size_t)o * inner + i] = mode == 2 ? arg : acc;
    }
}

static void test_reductions() {
  int shapes[][3] = {{1, 5000, 1}, {7, 300, 1}, {1, 100, 70}, {3, 50, 33}, {2, 3, 1}, {4, 1, 40}};
  for (auto& s : shapes) {
    int outer = s[0], n = s[1], inner = s[2];
    std::vector<float> x = gaussian((size_t)outer * n * inner);
    x[x.size() / 2] = 5;
    x[x.size() / 3] = 5;
    if (x.size() > 100) x[77] = NAN;
    bool rows = inner == 1;
    long long tiles = (long long)outer * ((inner + 31) / 32);
    dim3 grid{(unsigned)std::min<long long>(rows ? outer : tiles, 3), 1, 1};
    dim3 block = rows ? dim3{256, 1, 1} : dim3{32, 16, 1};
    for (int mode = 0; mode < 4; mode++) {
      std::vector<double> want;
      reduce_ref(mode, x, outer, n, inner, want);
      size_t outs = (size_t)outer * inner;
      std::string what = "reduce mode " + std::to_string(mode) + " [" + std::to_string(outer) +
                         "," + std::to_string(n) + "," + std::to_string(inner) + "]";
      if (mode == 2) {
        std::vector<long long> out(outs, -9);
        emulate_launch(grid, block, [&] {
          if (rows) extreme_rows_f32(2, x.data(), out.data(), outer, n);
          else extreme_cols_f32(2, x.data(), out.data(), outer, n, inner);
        });
        for (size_t i = 0; i < outs; i++) expect(out[i] == (long long)want[i], what);
      } else {
        std::vector<float> out(outs, -9);
        emulate_launch(grid, block, [&] {
          if (mode == 3) {
            if (rows) sum_rows_f32(x.data(), out.data(), outer, n);
            else sum_cols_f32(x.data(), out.data(), outer, n, inner);
          } else {
            if (rows) extreme_rows_f32(mode, x.data(), out.data(), outer, n);
            else extreme_cols_f32(mode, x.data(), out.data(), outer, n, inner);
          }
        });
        for (size_t i = 0; i < outs; i++)
          expect(close_to(out[i], (float)want[i], 1e-5 * (1 + std::fabs(want[i]))), what);
      }
    }
    for (int log = 0; log < 2; log++) {
      std::vector<float> out(x.size());
      if (rows) {
        emulate_launch(grid, T256,
                       [&] { softmax_rows_f32(x.data(), out.data(), outer, n, log); });
      } else {
        emulate_launch(blocks_for((long long)outer * inner), T256,
                       [&] { softmax_cols_f32(x.data(), out.data(), outer, n, inner, log); });
      }
      for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++) {
          double m = -INFINITY, sum = 0;
          for (int j = 0; j < n; j++) m = std::max(m, (double)x[((size_t)o * n + j) * inner + i]);
          bool nan = false;
          for (int j = 0; j < n; j++) nan |= std::isnan(x[((size_t)o * n + j) * inner + i]);
          for (int j = 0; j < n; j++) sum += std::exp(x[((size_t)o * n + j) * inner + i] - m);
          for (int j = 0; j < n; j++) {
            size_t at = ((size_t)o * n + j) * inner + i;
            double z = x[at] - m;
            double want = nan ? NAN : (log ? z - std::log(sum) : std::exp(z) / sum);
            expect(close_to(out[at], want, 1e-6 * (1 + std::fabs(want))),
                   "softmax log=" + std::to_string(log));
          }
        }
    }
  }
  // Sums of 2^20 values of 0.1 accumulate in double.
  int n = 1 << 20;
  std::vector<float> x(n, 0.1f);
  float out = 0;
  emulate_launch(dim3{1}, T256, [&] { sum_rows_f32(x.data(), &out, 1, n); });
  expect(std::fabs(out - n * (double)0.1f) < 1e-2, "large sum");
}

static void test_indexing() {
  std::vector<float> src = {10, 11, 12, 20, 21, 22}, out(4);
  std::vector<long long> idx = {2, 0, 1, 1};
  long long err[3] = {0, 0, 0};
  emulate_launch(blocks_for(4), T256, [&] {
    gather_w32((const unsigned*)src.data(), idx.data(), (unsigned*)out.data(), 2, 3, 1, 2, err);
  });
  expect(out[0] == 12 && out[1] == 10 && out[2] == 21 && out[3] == 21 && err[0] == 0, "gather");
  std::vector<float> upd = {1, 2, 3, 4}, acc(6, 0);
  emulate_launch(blocks_for(4), T256,
                 [&] { scatter_add_f32(upd.data(), idx.data(), acc.data(), 2, 3, 1, 2, err); });
  float wantAcc[] = {2, 0, 1, 0, 7, 0};
  for (int i = 0; i < 6; i++) expect(acc[i] == wantAcc[i], "scatterAdd");
  std::vector<double> s2 = {1, 2, 3, 4, 5, 6}, o2(6);
  std::vector<long long> i2 = {2, 2, 0};
  emulate_launch(blocks_for(6), T256, [&] {
    index_select_w64((const unsigned long long*)s2.data(), i2.data(), (unsigned long long*)o2.data(),
                     1, 3, 2, 3, err);
  });
  double want2[] = {5, 6, 5, 6, 1, 2};
  for (int i = 0; i < 6; i++) expect(o2[i] == want2[i], "indexSelect");
  std::vector<double> u2 = {1, 1, 2, 2, 3, 3}, a2(6, 0);
  emulate_launch(blocks_for(6), T256,
                 [&] { index_add_f64(u2.data(), i2.data(), a2.data(), 1, 3, 2, 3, err); });
  double wantA2[] = {3, 3, 0, 0, 3, 3};
  for (int i = 0; i < 6; i++) expect(a2[i] == wantA2[i], "indexAdd");
  // Many repeated indices, many threads: every add lands.
  int k = 5000;
  std::vector<long long> rep(k);
  for (int j = 0; j < k; j++) rep[j] = j % 3;
  std::vector<float> ones(k, 1.0f), bins(3, 0.0f);
  emulate_launch(blocks_for(k), T256,
                 [&] { index_add_f32(ones.data(), rep.data(), bins.data(), 1, 3, 1, k, err); });
  expect(bins[0] == 1667 && bins[1] == 1667 && bins[2] == 1666, "indexAdd with repeats");
  expect(err[0] == 0, "no index errors so far");
  std::vector<long long> bad = {2};
  float one = 0;
  std::vector<float> two = {1, 2};
  emulate_launch(dim3{1}, T256, [&] {
    index_select_w32((const unsigned*)two.data(), bad.data(), (unsigned*)&one, 1, 2, 1, 1, err);
  });
  expect(err[0] == ERR_INDEX_OUT_OF_BOUNDS && err[1] == 2, "bad index 2 reported");
  err[0] = err[1] = 0;
  bad[0] = -1;
  emulate_launch(dim3{1}, T256, [&] {
    gather_w32((const unsigned*)two.data(), bad.data(), (unsigned*)&one, 1, 2, 1, 1, err);
  });
  expect(err[0] == ERR_INDEX_OUT_OF_BOUNDS && err[1] == -1, "bad index -1 reported");
}

template <typename T>
static void gemm_ref(bool ta, bool tb, int m, int n, int k, double alpha, const std::vector<T>& a,
                     int oa, const std::vector<T>& b, int ob, double beta, std::vector<double>& c,
                     int oc) {
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++) {
      double acc = 0;
      for (int p = 0; p < k; p++) {
        double av = ta ? a[oa + p * m + i] : a[oa + i * k + p];
        double bv = tb ? b[ob + j * k + p] : b[ob + p * n + j];
        acc += av * bv;
      }
      double& cv = c[oc + i * n + j];
      cv = alpha * acc + (beta == 0 ? 0 : beta * cv);
    }
}

static void test_gemm() {
  int sizes[][3] = {{5, 7, 3}, {1, 1, 1}, {130, 70, 37}, {64, 64, 8}, {200, 260, 9}, {3, 300, 2}};
  for (auto& s : sizes) {
    int m = s[0], n = s[1], k = s[2];
    for (int variant = 0; variant < 3; variant++) {
      for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
          std::vector<float> a = gaussian((size_t)m * k + 2), b = gaussian((size_t)k * n + 3);
          std::vector<float> c = gaussian((size_t)m * n + 1);
          std::vector<double> want(c.begin(), c.end());
          double beta = variant == 1 ? 0 : 2;
          if (beta == 0) c[1] = NAN;  // with beta 0, C is not read
          std::string what = "gemm variant " + std::to_string(variant) + " " +
                             std::to_string(m) + "x" + std::to_string(n) + "x" +
                             std::to_string(k) + " ta=" + std::to_string(ta) +
                             " tb=" + std::to_string(tb);
          if (variant < 2) {
            gemm_ref<float>(ta, tb, m, n, k, 0.5, a, 2, b, 3, beta, want, 1);
            // Grids smaller than the tile count exercise the kernels' tile loops.
            dim3 grid{(unsigned)std::min(2, (n + 63) / 64), (unsigned)std::min(2, (m + 63) / 64), 1};
            emulate_launch(grid, T256, [&] {
              if (variant == 0)
                sgemm_128x128(ta, tb, m, n, k, 0.5f, a.data(), 2, b.data(), 3, (float)beta,
                              c.data(), 1);
              else
                sgemm_64x64(ta, tb, m, n, k, 0.5f, a.data(), 2, b.data(), 3, (float)beta,
                            c.data(), 1);
            });
            expect(c[0] == (float)want[0], what + " leaves C before its offset alone");
            for (int i = 1; i < m * n + 1; i++)
              expect(close_to(c[i], want[i], 1e-4 * (1 + std::fabs(want[i]))), what);
          } else {
            std::vector<double> ad(a.begin(), a.end()), bd(b.begin(), b.end()),
                cd(c.begin(), c.end());
            gemm_ref<double>(ta, tb, m, n, k, 0.5, ad, 2, bd, 3, beta, want, 1);
            dim3 grid{(unsigned)std::min(3, (n + 15) / 16), (unsigned)std::min(3, (m + 15) / 16), 1};
            emulate_launch(grid, dim3{16, 16, 1}, [&] {
              dgemm_16x16(ta, tb, m, n, k, 0.5, ad.data(), 2, bd.data(), 3, beta, cd.data(), 1);
            });
            for (int i = 1; i < m * n + 1; i++)
              expect(close_to(cd[i], want[i], 1e-12 * (1 + std::fabs(want[i]))), what);
          }
        }
    }
  }
  // Split-K: K slices of kChunk (the last shorter) into a workspace, then their sum with alpha
  // and beta. A grid z smaller than the slice count exercises the kernel's slice loop.
  int split[][4] = {{10, 7, 1000, 4}, {64, 10, 777, 3}, {70, 130, 300, 5}};
  for (auto& s : split) {
    int m = s[0], n = s[1], k = s[2], slices = s[3];
    int kChunk = ((k + slices - 1) / slices + 7) / 8 * 8;
    int used = (k + kChunk - 1) / kChunk;
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++)
        for (double beta : {0.0, 2.0}) {
          std::vector<float> a = gaussian((size_t)m * k + 2), b = gaussian((size_t)k * n + 3);
          std::vector<float> c = gaussian((size_t)m * n + 1);
          std::vector<double> want(c.begin(), c.end());
          if (beta == 0) c[1] = NAN;  // with beta 0, C is not read
          gemm_ref<float>(ta, tb, m, n, k, 0.5, a, 2, b, 3, beta, want, 1);
          std::vector<float> w((size_t)used * m * n, NAN);  // uninitialised, as from the cache
          dim3 grid{(unsigned)((n + 63) / 64), (unsigned)((m + 63) / 64), (unsigned)std::min(2, used)};
          emulate_launch(grid, T256, [&] {
            sgemm_64x64_splitk(ta, tb, m, n, k, a.data(), 2, b.data(), 3, w.data(), kChunk, used);
          });
          emulate_launch(blocks_for((long long)m * n), T256, [&] {
            sgemm_splitk_reduce(m * n, used, w.data(), 0.5f, (float)beta, c.data(), 1);
          });
          std::string what = "split-K " + std::to_string(m) + "x" + std::to_string(n) + "x" +
                             std::to_string(k) + " in " + std::to_string(used) +
                             " slices ta=" + std::to_string(ta) + " tb=" + std::to_string(tb) +
                             " beta=" + std::to_string(beta);
          expect(c[0] == (float)want[0], what + " leaves C before its offset alone");
          for (int i = 1; i < m * n + 1; i++)
            expect(close_to(c[i], want[i], 1e-4 * (1 + std::fabs(want[i])) * std::sqrt(k)), what);
        }
  }
  // k == 0: C = beta * C.
  std::vector<float> c = {1, 2, 3, 4};
  emulate_launch(dim3{1, 1, 1}, T256,
                 [&] { sgemm_64x64(0, 0, 2, 2, 0, 1.0f, nullptr, 0, nullptr, 0, 2.0f, c.data(), 0); });
  expect(c[0] == 2 && c[3] == 8, "gemm with k == 0 scales C");
}

#include <chrono>
// Mixed precision: each conversion bit for bit as PyTorch rounds (amp_golden.h), the round trips,
// and the unscale-and-check of dynamic loss scaling.
static void test_amp() {
  const int n = (int)AMP_GOLDEN_N;
  std::vector<float> x(n);
  for (int i = 0; i < n; i++) x[i] = __uint_as_float(AMP_GOLDEN_F32[i]);
  std::vector<unsigned short> bf(n), hf(n);
  std::vector<float> back(n), rounded(n);
  emulate_launch(blocks_for(n), T256, [&] { f32_to_bf16(x.data(), bf.data(), n); });
  emulate_launch(blocks_for(n), T256, [&] { f32_to_f16(x.data(), hf.data(), n); });
  for (int i = 0; i < n; i++) {
    char what[160];
    std::snprintf(what, sizeof what, "bf16 of %.9g (0x%08x): got 0x%04x, torch 0x%04x", x[i],
                  AMP_GOLDEN_F32[i], bf[i], AMP_GOLDEN_BF16[i]);
    expect(bf[i] == AMP_GOLDEN_BF16[i], what);
    std::snprintf(what, sizeof what, "f16 of %.9g (0x%08x): got 0x%04x, torch 0x%04x", x[i],
                  AMP_GOLDEN_F32[i], hf[i], AMP_GOLDEN_F16[i]);
    expect(hf[i] == AMP_GOLDEN_F16[i], what);
  }
  // Every 16-bit pattern converts to float and back to itself (NaNs stay NaN).
  const int all = 65536;
  std::vector<unsigned short> bits(all), again(all);
  std::vector<float> wide(all);
  for (int i = 0; i < all; i++) bits[i] = (unsigned short)i;
  for (int fmt = 0; fmt < 2; fmt++) {
    emulate_launch(blocks_for(all, 8), T256, [&] {
      if (fmt == 0) bf16_to_f32(bits.data(), wide.data(), all);
      else f16_to_f32(bits.data(), wide.data(), all);
    });
    emulate_launch(blocks_for(all, 8), T256, [&] {
      if (fmt == 0) f32_to_bf16(wide.data(), again.data(), all);
      else f32_to_f16(wide.data(), again.data(), all);
    });
    int bad = 0;
    for (int i = 0; i < all; i++) {
      bool nan = std::isnan(wide[i]);
      if (nan ? !std::isnan(fmt == 0 ? bf16_value(again[i]) : f16_value(again[i]))
              : again[i] != bits[i]) {
        bad++;
      }
    }
    expect(bad == 0, std::string(fmt == 0 ? "bf16" : "f16") + " round trips: " +
                         std::to_string(bad) + " patterns changed");
  }
  // round_f32_* is the conversion there and back.
  emulate_launch(blocks_for(n), T256, [&] { round_f32_bf16(x.data(), rounded.data(), n); });
  emulate_launch(blocks_for(n), T256, [&] { bf16_to_f32(bf.data(), back.data(), n); });
  for (int i = 0; i < n; i++) {
    expect(close_to(rounded[i], back[i], 0), "round_f32_bf16 of " + std::to_string(x[i]));
  }
  emulate_launch(blocks_for(n), T256, [&] { round_f32_f16(x.data(), rounded.data(), n); });
  emulate_launch(blocks_for(n), T256, [&] { f16_to_f32(hf.data(), back.data(), n); });
  for (int i = 0; i < n; i++) {
    expect(close_to(rounded[i], back[i], 0), "round_f32_f16 of " + std::to_string(x[i]));
  }
  // Unscale: finite gradients are multiplied and the flag stays clear; one inf or NaN sets it.
  for (float poison : {0.0f, std::numeric_limits<float>::infinity(), std::nanf("")}) {
    std::vector<float> g = gaussian(1000);
    std::vector<float> want = g;
    for (auto& v : want) v *= 0.125f;
    if (poison != 0.0f) g[777] = poison;
    int found = 0;
    emulate_launch(blocks_for(1000), T256, [&] { unscale_check_f32(g.data(), 1000, 0.125f, &found); });
    expect(found == (poison != 0.0f ? 1 : 0), "unscale_check_f32 flag with " +
                                                  std::to_string(poison));
    expect(close_to(g[3], want[3], 0), "unscale_check_f32 multiplies by the inverse scale");
  }
  // A finite gradient that overflows when unscaled (a scale below 1) is reported too.
  std::vector<float> big = {3.0e38f, 1.0f};
  int found = 0;
  emulate_launch(blocks_for(2), T256, [&] { unscale_check_f32(big.data(), 2, 4.0f, &found); });
  expect(found == 1, "unscale_check_f32 flags an overflow of the product");
}

static void timed(const char* name, void (*test)()) {
  auto t0 = std::chrono::steady_clock::now();
  test();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%-22s %6.2f s\n", name, s);
}

int main() {
  timed("unary", test_unary);
  timed("binary broadcast", test_binary_broadcast);
  timed("int64 binary", test_int64_binary);
  timed("copy and add", test_copy_and_add);
  timed("where, fill, axpy", test_where_fill_axpy);
  timed("reductions, softmax", test_reductions);
  timed("indexing", test_indexing);
  timed("gemm", test_gemm);
  timed("mixed precision", test_amp);
  std::printf("%d checks, %d failures\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
