// Element-wise, reduction and data-movement kernels, multi-threaded with OpenMP. After the
// convolutions run on oneDNN these dominate a training step on tfjs-cpu, whose versions are
// single-threaded and (with broadcasting or non-inner axes) index-heavy.
//
// binary(op, shape, aStrides, bStrides, a, b, out)   out[i] = a[i·aStrides] op b[i·bStrides]
//   op 0 add, 1 sub, 2 mul, 3 div, 4 max, 5 min, 6 squared difference: float32 out;
//   op 10 >, 11 >=, 12 <, 13 <=, 14 ==, 15 !=: Uint8Array (tfjs bool) out
// unary(op, x, out, alpha)  op 0 relu, 1 leakyRelu(alpha), 2 square, 3 exp, 4 log, 5 neg,
//   6 sqrt, 7 rsqrt, 8 abs, 9 sigmoid, 10 tanh, 11 reciprocal, 12 step(alpha)
// reduce(op, [A, R, B], x, out)  out[a, b] = op over r of x[a, r, b]; op 0 sum, 1 mean, 2 max, 3 min
// copyStrided(shape, src, srcOffset, srcStrides, dst, dstOffset, dstStrides)
// softmax(rows, cols, x, out)   over the last axis
// select(cond, t, e, out)       out = cond ? t : e, all the same length
#include "common.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace atrium {

namespace {

constexpr int64_t kParallelMin = 1 << 15;

/** Merges adjacent dims that are contiguous in every operand; drops size-1 dims. */
void collapse(std::vector<int64_t>& shape, std::vector<std::vector<int64_t>*> strides) {
  std::vector<int64_t> s;
  std::vector<std::vector<int64_t>> st(strides.size());
  for (size_t i = 0; i < shape.size(); i++) {
    if (shape[i] == 1) continue;
    bool merge = !s.empty();
    for (size_t k = 0; merge && k < strides.size(); k++) merge = st[k].back() == (*strides[k])[i] * shape[i];
    if (merge) {
      s.back() *= shape[i];
      for (size_t k = 0; k < strides.size(); k++) st[k].back() = (*strides[k])[i];
    } else {
      s.push_back(shape[i]);
      for (size_t k = 0; k < strides.size(); k++) st[k].push_back((*strides[k])[i]);
    }
  }
  if (s.empty()) {
    s.push_back(1);
    for (auto& v : st) v.push_back(1);
  }
  shape = s;
  for (size_t k = 0; k < strides.size(); k++) *strides[k] = st[k];
}

template <int Op>
inline float arith(float x, float y) {
  if constexpr (Op == 0) return x + y;
  else if constexpr (Op == 1) return x - y;
  else if constexpr (Op == 2) return x * y;
  else if constexpr (Op == 3) return x / y;
  else if constexpr (Op == 4) return (x != x || y != y) ? NAN : (x > y ? x : y);
  else if constexpr (Op == 5) return (x != x || y != y) ? NAN : (x < y ? x : y);
  else if constexpr (Op == 6) return (x - y) * (x - y);
  else if constexpr (Op == 10) return x > y;
  else if constexpr (Op == 11) return x >= y;
  else if constexpr (Op == 12) return x < y;
  else if constexpr (Op == 13) return x <= y;
  else if constexpr (Op == 14) return x == y;
  else return x != y;
}

template <int Op, typename Out>
inline void binaryRow(const float* a, int64_t sa, const float* b, int64_t sb, Out* o, int64_t n) {
  if (sa == 1 && sb == 1) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) o[i] = static_cast<Out>(arith<Op>(a[i], b[i]));
  } else if (sa == 1 && sb == 0) {
    const float y = b[0];
#pragma omp simd
    for (int64_t i = 0; i < n; i++) o[i] = static_cast<Out>(arith<Op>(a[i], y));
  } else if (sa == 0 && sb == 1) {
    const float x = a[0];
#pragma omp simd
    for (int64_t i = 0; i < n; i++) o[i] = static_cast<Out>(arith<Op>(x, b[i]));
  } else {
    for (int64_t i = 0; i < n; i++) o[i] = static_cast<Out>(arith<Op>(a[i * sa], b[i * sb]));
  }
}

template <int Op, typename Out>
void binaryImpl(const std::vector<int64_t>& shape, const std::vector<int64_t>& as, const std::vector<int64_t>& bs,
                const float* a, const float* b, Out* o) {
  const size_t rank = shape.size();
  const int64_t inner = shape[rank - 1];
  const int64_t total = product(shape);
  if (rank == 1) {
    const int64_t chunk = 1 << 14;
    const int64_t chunks = (inner + chunk - 1) / chunk;
#pragma omp parallel for schedule(static) if (total >= kParallelMin)
    for (int64_t c = 0; c < chunks; c++) {
      const int64_t from = c * chunk, n = std::min(chunk, inner - from);
      binaryRow<Op>(a + from * as[0], as[0], b + from * bs[0], bs[0], o + from, n);
    }
    return;
  }
  const int64_t rows = total / inner;
#pragma omp parallel for schedule(static) if (total >= kParallelMin)
  for (int64_t r = 0; r < rows; r++) {
    int64_t rest = r, offA = 0, offB = 0;
    for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; d--) {
      const int64_t i = rest % shape[d];
      rest /= shape[d];
      offA += i * as[d];
      offB += i * bs[d];
    }
    binaryRow<Op>(a + offA, as[rank - 1], b + offB, bs[rank - 1], o + r * inner, inner);
  }
}

Napi::Value Binary(const Napi::CallbackInfo& info) {
  const int op = info[0].As<Napi::Number>().Int32Value();
  auto shape = intList(info[1], "binary shape");
  auto as = intList(info[2], "binary aStrides");
  auto bs = intList(info[3], "binary bStrides");
  if (as.size() != shape.size() || bs.size() != shape.size()) throw Napi::RangeError::New(info.Env(), "binary: rank mismatch");
  const int64_t total = product(shape);
  int64_t spanA = 1, spanB = 1;
  for (size_t i = 0; i < shape.size(); i++) {
    spanA += (shape[i] - 1) * as[i];
    spanB += (shape[i] - 1) * bs[i];
  }
  auto fa = info[4].As<Napi::Float32Array>();
  auto fb = info[5].As<Napi::Float32Array>();
  if (static_cast<int64_t>(fa.ElementLength()) < spanA || static_cast<int64_t>(fb.ElementLength()) < spanB) {
    throw Napi::RangeError::New(info.Env(), "binary: operand too short for its strides");
  }
  const float* a = fa.Data();
  const float* b = fb.Data();
  const bool compare = op >= 10;
  auto outArr = info[6].As<Napi::TypedArray>();
  if (static_cast<int64_t>(outArr.ElementLength()) != total ||
      outArr.TypedArrayType() != (compare ? napi_uint8_array : napi_float32_array)) {
    throw Napi::RangeError::New(info.Env(), "binary: bad output array");
  }
  void* out = static_cast<uint8_t*>(outArr.ArrayBuffer().Data()) + outArr.ByteOffset();
  adviseHugePages(out, outArr.ByteLength());
  return guarded(info, [&] {
    if (total == 0) return;
    collapse(shape, {&as, &bs});
    auto f = reinterpret_cast<float*>(out);
    auto u = reinterpret_cast<uint8_t*>(out);
    switch (op) {
      case 0: binaryImpl<0>(shape, as, bs, a, b, f); break;
      case 1: binaryImpl<1>(shape, as, bs, a, b, f); break;
      case 2: binaryImpl<2>(shape, as, bs, a, b, f); break;
      case 3: binaryImpl<3>(shape, as, bs, a, b, f); break;
      case 4: binaryImpl<4>(shape, as, bs, a, b, f); break;
      case 5: binaryImpl<5>(shape, as, bs, a, b, f); break;
      case 6: binaryImpl<6>(shape, as, bs, a, b, f); break;
      case 10: binaryImpl<10>(shape, as, bs, a, b, u); break;
      case 11: binaryImpl<11>(shape, as, bs, a, b, u); break;
      case 12: binaryImpl<12>(shape, as, bs, a, b, u); break;
      case 13: binaryImpl<13>(shape, as, bs, a, b, u); break;
      case 14: binaryImpl<14>(shape, as, bs, a, b, u); break;
      case 15: binaryImpl<15>(shape, as, bs, a, b, u); break;
      default: throw std::runtime_error("binary: unknown op");
    }
  });
}

template <int Op>
inline float unaryOp(float x, float alpha) {
  if constexpr (Op == 0) return x < 0 ? 0.0f : x;
  else if constexpr (Op == 1) return x < 0 ? alpha * x : x;
  else if constexpr (Op == 2) return x * x;
  else if constexpr (Op == 3) return std::exp(x);
  else if constexpr (Op == 4) return std::log(x);
  else if constexpr (Op == 5) return -x;
  else if constexpr (Op == 6) return std::sqrt(x);
  else if constexpr (Op == 7) return 1.0f / std::sqrt(x);
  else if constexpr (Op == 8) return std::fabs(x);
  else if constexpr (Op == 9) return 1.0f / (1.0f + std::exp(-x));
  else if constexpr (Op == 10) return std::tanh(x);
  else if constexpr (Op == 11) return 1.0f / x;
  else return x != x ? NAN : (x > 0 ? 1.0f : alpha);
}

template <int Op>
void unaryImpl(const float* x, float* o, int64_t n, float alpha) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; i++) o[i] = unaryOp<Op>(x[i], alpha);
}

Napi::Value Unary(const Napi::CallbackInfo& info) {
  const int op = info[0].As<Napi::Number>().Int32Value();
  auto xa = info[1].As<Napi::Float32Array>();
  const int64_t n = xa.ElementLength();
  const float* x = xa.Data();
  float* o = outputData(info[2], n, "unary out");
  const float alpha = info.Length() > 3 ? info[3].As<Napi::Number>().FloatValue() : 0.0f;
  return guarded(info, [&] {
    switch (op) {
      case 0: unaryImpl<0>(x, o, n, alpha); break;
      case 1: unaryImpl<1>(x, o, n, alpha); break;
      case 2: unaryImpl<2>(x, o, n, alpha); break;
      case 3: unaryImpl<3>(x, o, n, alpha); break;
      case 4: unaryImpl<4>(x, o, n, alpha); break;
      case 5: unaryImpl<5>(x, o, n, alpha); break;
      case 6: unaryImpl<6>(x, o, n, alpha); break;
      case 7: unaryImpl<7>(x, o, n, alpha); break;
      case 8: unaryImpl<8>(x, o, n, alpha); break;
      case 9: unaryImpl<9>(x, o, n, alpha); break;
      case 10: unaryImpl<10>(x, o, n, alpha); break;
      case 11: unaryImpl<11>(x, o, n, alpha); break;
      case 12: unaryImpl<12>(x, o, n, alpha); break;
      default: throw std::runtime_error("unary: unknown op");
    }
  });
}

/** Sums (in double, as tfjs does in JS numbers) or extrema over the middle axis of [A, R, B]. */
void reduceImpl(int op, int64_t A, int64_t R, int64_t B, const float* x, float* o) {
  const bool extremum = op >= 2;
  const bool isMax = op == 2;
  auto better = [isMax](float v, float m) { return v != v || (isMax ? v > m : v < m); };
  const int threads = omp_get_max_threads();
  const int64_t total = A * R * B;
  if (B == 1) {
    // Contiguous runs of R.
#pragma omp parallel for schedule(static) if (total >= kParallelMin && A > 1)
    for (int64_t a = 0; a < A; a++) {
      const float* p = x + a * R;
      if (extremum) {
        float m = p[0];
        for (int64_t r = 1; r < R; r++)
          if (better(p[r], m)) m = p[r];
        o[a] = m;
      } else {
        double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        int64_t r = 0;
        for (; r + 8 <= R; r += 8)
          for (int k = 0; k < 8; k++) acc[k] += p[r + k];
        double s = 0;
        for (; r < R; r++) s += p[r];
        for (int k = 0; k < 8; k++) s += acc[k];
        o[a] = static_cast<float>(op == 1 ? s / R : s);
      }
    }
    return;
  }
  if (A >= threads || total < kParallelMin) {
#pragma omp parallel if (total >= kParallelMin)
    {
      std::vector<double> acc(B);
#pragma omp for schedule(static)
      for (int64_t a = 0; a < A; a++) {
        const float* p = x + a * R * B;
        float* out = o + a * B;
        if (extremum) {
          std::memcpy(out, p, sizeof(float) * B);
          for (int64_t r = 1; r < R; r++)
            for (int64_t b = 0; b < B; b++)
              if (better(p[r * B + b], out[b])) out[b] = p[r * B + b];
        } else {
          std::fill(acc.begin(), acc.end(), 0.0);
          for (int64_t r = 0; r < R; r++) {
            const float* row = p + r * B;
#pragma omp simd
            for (int64_t b = 0; b < B; b++) acc[b] += row[b];
          }
          for (int64_t b = 0; b < B; b++) out[b] = static_cast<float>(op == 1 ? acc[b] / R : acc[b]);
        }
      }
    }
    return;
  }
  // Few outer slices (e.g. the batch-norm statistics of an [N, C] view): split R between threads.
  std::vector<double> partial(static_cast<size_t>(threads) * B);
  std::vector<float> partialExt(static_cast<size_t>(threads) * B);
  for (int64_t a = 0; a < A; a++) {
    const float* p = x + a * R * B;
    std::vector<char> used(threads, 0);
#pragma omp parallel num_threads(threads)
    {
      const int t = omp_get_thread_num(), nt = omp_get_num_threads();
      const int64_t from = R * t / nt, to = R * (t + 1) / nt;
      double* acc = partial.data() + static_cast<size_t>(t) * B;
      float* ext = partialExt.data() + static_cast<size_t>(t) * B;
      if (from < to) {
        used[t] = 1;
        if (extremum) {
          std::memcpy(ext, p + from * B, sizeof(float) * B);
          for (int64_t r = from + 1; r < to; r++)
            for (int64_t b = 0; b < B; b++)
              if (better(p[r * B + b], ext[b])) ext[b] = p[r * B + b];
        } else {
          std::fill(acc, acc + B, 0.0);
          for (int64_t r = from; r < to; r++) {
            const float* row = p + r * B;
#pragma omp simd
            for (int64_t b = 0; b < B; b++) acc[b] += row[b];
          }
        }
      }
    }
    float* out = o + a * B;
    bool first = true;
    for (int t = 0; t < threads; t++) {
      if (!used[t]) continue;
      for (int64_t b = 0; b < B; b++) {
        if (extremum) {
          float v = partialExt[static_cast<size_t>(t) * B + b];
          if (first || better(v, out[b])) out[b] = v;
        } else if (first) {
          partial[b] = partial[static_cast<size_t>(t) * B + b];
        } else {
          partial[b] += partial[static_cast<size_t>(t) * B + b];
        }
      }
      first = false;
    }
    if (!extremum)
      for (int64_t b = 0; b < B; b++) out[b] = static_cast<float>(op == 1 ? partial[b] / R : partial[b]);
  }
}

Napi::Value Reduce(const Napi::CallbackInfo& info) {
  const int op = info[0].As<Napi::Number>().Int32Value();
  auto dims = intList(info[1], "reduce dims");
  if (dims.size() != 3 || dims[1] < 1) throw Napi::RangeError::New(info.Env(), "reduce: dims must be [A, R ≥ 1, B]");
  const float* x = floatData(info[2], dims[0] * dims[1] * dims[2], "reduce x");
  float* o = outputData(info[3], dims[0] * dims[2], "reduce out");
  return guarded(info, [&] {
    if (op < 0 || op > 3) throw std::runtime_error("reduce: unknown op");
    if (dims[0] * dims[2] > 0) reduceImpl(op, dims[0], dims[1], dims[2], x, o);
  });
}

/** Copies a strided view (any rank) from src to dst; transposes tile the two innermost dims. */
Napi::Value CopyStrided(const Napi::CallbackInfo& info) {
  auto shape = intList(info[0], "copy shape");
  auto sa = info[1].As<Napi::TypedArray>();
  const int64_t srcOffset = info[2].As<Napi::Number>().Int64Value();
  auto ss = intList(info[3], "copy srcStrides");
  auto da = info[4].As<Napi::TypedArray>();
  const int64_t dstOffset = info[5].As<Napi::Number>().Int64Value();
  auto ds = intList(info[6], "copy dstStrides");
  if (ss.size() != shape.size() || ds.size() != shape.size()) throw Napi::RangeError::New(info.Env(), "copyStrided: rank mismatch");
  if (sa.TypedArrayType() != da.TypedArrayType()) throw Napi::TypeError::New(info.Env(), "copyStrided: element types differ");
  const size_t elem = sa.TypedArrayType() == napi_float32_array || sa.TypedArrayType() == napi_int32_array ? 4
                      : sa.TypedArrayType() == napi_uint8_array ? 1 : 0;
  if (!elem) throw Napi::TypeError::New(info.Env(), "copyStrided: Float32Array, Int32Array or Uint8Array only");
  int64_t srcMax = srcOffset, dstMax = dstOffset;
  for (size_t i = 0; i < shape.size(); i++) {
    if (shape[i] == 0) return info.Env().Undefined();
    srcMax += (shape[i] - 1) * ss[i];
    dstMax += (shape[i] - 1) * ds[i];
  }
  if (srcOffset < 0 || dstOffset < 0 || srcMax >= static_cast<int64_t>(sa.ElementLength()) ||
      dstMax >= static_cast<int64_t>(da.ElementLength())) {
    throw Napi::RangeError::New(info.Env(), "copyStrided: view outside the array");
  }
  char* src = static_cast<char*>(sa.ArrayBuffer().Data()) + sa.ByteOffset() + srcOffset * elem;
  char* dst = static_cast<char*>(da.ArrayBuffer().Data()) + da.ByteOffset() + dstOffset * elem;
  adviseHugePages(static_cast<char*>(da.ArrayBuffer().Data()) + da.ByteOffset(), da.ByteLength());
  return guarded(info, [&] {
    collapse(shape, {&ss, &ds});
    const size_t rank = shape.size();
    const int64_t total = product(shape);
    const int64_t inner = shape[rank - 1];
    const int64_t sIn = ss[rank - 1], dIn = ds[rank - 1];
    // A transpose: the source's unit-stride dim is another one; tile it against the inner dim.
    int64_t t = -1;
    if (elem == 4 && sIn != 1 && rank >= 2)
      for (size_t d = 0; d + 1 < rank; d++)
        if (ss[d] == 1) t = static_cast<int64_t>(d);
    if (t >= 0) {
      // Iterate over all dims except t and the inner one; tile t × inner in 32 × 32 blocks.
      const int64_t T = shape[t], tS = ss[t], tD = ds[t];
      const int64_t outer = total / (T * inner);
      const int64_t tb = (T + 31) / 32, ib = (inner + 31) / 32;
#pragma omp parallel for collapse(2) schedule(static) if (total >= kParallelMin)
      for (int64_t q = 0; q < outer; q++)
        for (int64_t blk = 0; blk < tb * ib; blk++) {
          int64_t rest = q, offS = 0, offD = 0;
          for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; d--) {
            if (d == t) continue;
            const int64_t i = rest % shape[d];
            rest /= shape[d];
            offS += i * ss[d];
            offD += i * ds[d];
          }
          const int64_t t0 = (blk / ib) * 32, i0 = (blk % ib) * 32;
          const int64_t t1 = std::min(T, t0 + 32), i1 = std::min(inner, i0 + 32);
          const float* s = reinterpret_cast<const float*>(src) + offS;
          float* o = reinterpret_cast<float*>(dst) + offD;
          for (int64_t i = i0; i < i1; i++)
            for (int64_t k = t0; k < t1; k++) o[k * tD + i * dIn] = s[k * tS + i * sIn];
        }
      return;
    }
    const int64_t rows = total / inner;
#pragma omp parallel for schedule(static) if (total >= kParallelMin)
    for (int64_t r = 0; r < rows; r++) {
      int64_t rest = r, offS = 0, offD = 0;
      for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; d--) {
        const int64_t i = rest % shape[d];
        rest /= shape[d];
        offS += i * ss[d];
        offD += i * ds[d];
      }
      if (sIn == 1 && dIn == 1) {
        std::memcpy(dst + offD * elem, src + offS * elem, inner * elem);
      } else if (elem == 4) {
        const float* s = reinterpret_cast<const float*>(src) + offS;
        float* o = reinterpret_cast<float*>(dst) + offD;
        for (int64_t i = 0; i < inner; i++) o[i * dIn] = s[i * sIn];
      } else {
        for (int64_t i = 0; i < inner; i++) dst[offD + i * dIn] = src[offS + i * sIn];
      }
    }
  });
}

Napi::Value Softmax(const Napi::CallbackInfo& info) {
  const int64_t rows = info[0].As<Napi::Number>().Int64Value();
  const int64_t cols = info[1].As<Napi::Number>().Int64Value();
  const float* x = floatData(info[2], rows * cols, "softmax x");
  float* o = outputData(info[3], rows * cols, "softmax out");
  return guarded(info, [&] {
#pragma omp parallel for schedule(static) if (rows * cols >= kParallelMin)
    for (int64_t r = 0; r < rows; r++) {
      const float* p = x + r * cols;
      float* q = o + r * cols;
      float m = p[0];
      for (int64_t c = 1; c < cols; c++)
        if (p[c] > m || p[c] != p[c]) m = p[c];
      double s = 0;
      for (int64_t c = 0; c < cols; c++) {
        q[c] = std::exp(p[c] - m);
        s += q[c];
      }
      for (int64_t c = 0; c < cols; c++) q[c] = static_cast<float>(q[c] / s);
    }
  });
}

Napi::Value Select(const Napi::CallbackInfo& info) {
  auto ca = info[0].As<Napi::Uint8Array>();
  const int64_t n = ca.ElementLength();
  const uint8_t* c = ca.Data();
  const float* t = floatData(info[1], n, "select t");
  const float* e = floatData(info[2], n, "select e");
  float* o = outputData(info[3], n, "select out");
  return guarded(info, [&] {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
    for (int64_t i = 0; i < n; i++) o[i] = c[i] ? t[i] : e[i];
  });
}

}  // namespace

void RegisterElementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("reduce", Napi::Function::New(env, Reduce));
  exports.Set("copyStrided", Napi::Function::New(env, CopyStrided));
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("select", Napi::Function::New(env, Select));
}

}  // namespace atrium
