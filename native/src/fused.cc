// Fused training-mode batch normalisation and activation gradients, multi-threaded with
// OpenMP. Composed from tfjs ops these take many full passes over the activations (batch
// norm: about 13 forward and backward; a ReLU gradient: compare, cast/select, multiply);
// fused they take two passes each way for batch norm and one for an activation gradient.
//
// batchNormForward(rows, channels, x, gamma, beta, epsilon, y, mean, variance)
//   x, y: [rows, channels]; mean and biased variance per channel (accumulated in float over
//   blocks of rows and in double across them, shifted by the first row against cancellation);
//   y = γ (x − μ)/√(σ² + ε) + β
// batchNormBackward(rows, channels, dy, x, mean, variance, gamma, epsilon, dx, dGamma, dBeta)
//   with x̂ = (x − μ)/σ: dβ = Σ dy, dγ = Σ dy x̂, dx = γ/σ (dy − dβ/N − x̂ dγ/N)
// leakyReluGrad(dy, x, alpha, dx)   dx = x > 0 ? dy : alpha·dy (alpha 0: ReLU)
#include "common.h"

#include <algorithm>
#include <cmath>

namespace atrium {

namespace {

constexpr int64_t kParallelMin = 1 << 15;

/** Rows summed in float before the sums go into the double accumulators. */
constexpr int64_t kFloatRows = 64;

/**
 * Per-channel sums over rows of what f(row, acc0, acc1) adds to two float accumulators,
 * split by rows between threads. Each thread sums blocks of kFloatRows rows in float (which
 * vectorises four or eight channels wide; double ran at half that and dominated the batch
 * norm), adds each block's sums into its double accumulators, and the threads' sums are
 * added in thread order (deterministic for a fixed thread count).
 */
template <typename F>
void channelSums(int64_t rows, int64_t channels, double* s0, double* s1, F f) {
  const int threads = rows * channels >= kParallelMin ? configuredThreads() : 1;
  std::vector<double> partial(static_cast<size_t>(threads) * 2 * channels, 0.0);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t from = rows * t / nt, to = rows * (t + 1) / nt;
    double* a0 = partial.data() + static_cast<size_t>(t) * 2 * channels;
    double* a1 = a0 + channels;
    std::vector<float> block(2 * channels);
    float* b0 = block.data();
    float* b1 = b0 + channels;
    for (int64_t r0 = from; r0 < to; r0 += kFloatRows) {
      std::fill(block.begin(), block.end(), 0.0f);
      const int64_t r1 = std::min(to, r0 + kFloatRows);
      for (int64_t r = r0; r < r1; r++) f(r, b0, b1);
      for (int64_t c = 0; c < channels; c++) {
        a0[c] += b0[c];
        a1[c] += b1[c];
      }
    }
  }
  for (int64_t c = 0; c < channels; c++) s0[c] = s1[c] = 0.0;
  for (int t = 0; t < threads; t++) {
    const double* a0 = partial.data() + static_cast<size_t>(t) * 2 * channels;
    for (int64_t c = 0; c < channels; c++) {
      s0[c] += a0[c];
      s1[c] += a0[channels + c];
    }
  }
}

/** out[r, c] = x[r, c]·k1[c] + k0[c] (+ dy[r, c]·kd[c] when dy is given). */
void affineRows(int64_t rows, int64_t channels, const float* x, const float* dy, const float* kd, const float* k1,
                const float* k0, float* out) {
#pragma omp parallel for schedule(static) if (rows * channels >= kParallelMin)
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * channels;
    float* o = out + r * channels;
    if (dy) {
      const float* d = dy + r * channels;
#pragma omp simd
      for (int64_t c = 0; c < channels; c++) o[c] = d[c] * kd[c] + xr[c] * k1[c] + k0[c];
    } else {
#pragma omp simd
      for (int64_t c = 0; c < channels; c++) o[c] = xr[c] * k1[c] + k0[c];
    }
  }
}

Napi::Value BatchNormForward(const Napi::CallbackInfo& info) {
  const int64_t rows = info[0].As<Napi::Number>().Int64Value();
  const int64_t channels = info[1].As<Napi::Number>().Int64Value();
  if (rows < 1 || channels < 1) throw Napi::RangeError::New(info.Env(), "batchNormForward: empty input");
  const float* x = floatData(info[2], rows * channels, "batchNormForward x");
  const float* gamma = floatData(info[3], channels, "batchNormForward gamma");
  const float* beta = floatData(info[4], channels, "batchNormForward beta");
  const double epsilon = info[5].As<Napi::Number>().DoubleValue();
  float* y = outputData(info[6], rows * channels, "batchNormForward y");
  float* mean = outputData(info[7], channels, "batchNormForward mean");
  float* variance = outputData(info[8], channels, "batchNormForward variance");
  return guarded(info, [&] {
    std::vector<double> sum(channels), squares(channels);
    const float* shift = x;
    channelSums(rows, channels, sum.data(), squares.data(), [&](int64_t r, float* __restrict s, float* __restrict q) {
      const float* xr = x + r * channels;
#pragma omp simd
      for (int64_t c = 0; c < channels; c++) {
        const float d = xr[c] - shift[c];
        s[c] += d;
        q[c] += d * d;
      }
    });
    std::vector<float> scale(channels), offset(channels);
    for (int64_t c = 0; c < channels; c++) {
      const double m = sum[c] / rows;
      const double v = std::max(0.0, squares[c] / rows - m * m);
      const double mu = shift[c] + m;
      const double invStd = 1.0 / std::sqrt(v + epsilon);
      mean[c] = static_cast<float>(mu);
      variance[c] = static_cast<float>(v);
      scale[c] = static_cast<float>(gamma[c] * invStd);
      offset[c] = static_cast<float>(beta[c] - mu * gamma[c] * invStd);
    }
    affineRows(rows, channels, x, nullptr, nullptr, scale.data(), offset.data(), y);
  });
}

Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  const int64_t rows = info[0].As<Napi::Number>().Int64Value();
  const int64_t channels = info[1].As<Napi::Number>().Int64Value();
  if (rows < 1 || channels < 1) throw Napi::RangeError::New(info.Env(), "batchNormBackward: empty input");
  const float* dy = floatData(info[2], rows * channels, "batchNormBackward dy");
  const float* x = floatData(info[3], rows * channels, "batchNormBackward x");
  const float* mean = floatData(info[4], channels, "batchNormBackward mean");
  const float* variance = floatData(info[5], channels, "batchNormBackward variance");
  const float* gamma = floatData(info[6], channels, "batchNormBackward gamma");
  const double epsilon = info[7].As<Napi::Number>().DoubleValue();
  float* dx = outputData(info[8], rows * channels, "batchNormBackward dx");
  float* dGamma = outputData(info[9], channels, "batchNormBackward dGamma");
  float* dBeta = outputData(info[10], channels, "batchNormBackward dBeta");
  return guarded(info, [&] {
    std::vector<double> sumDy(channels), sumDyCentred(channels);
    channelSums(rows, channels, sumDy.data(), sumDyCentred.data(), [&](int64_t r, float* __restrict s, float* __restrict q) {
      const float* d = dy + r * channels;
      const float* xr = x + r * channels;
#pragma omp simd
      for (int64_t c = 0; c < channels; c++) {
        s[c] += d[c];
        q[c] += d[c] * (xr[c] - mean[c]);
      }
    });
    // dx = kd·dy + k1·x + k0 with kd = γ/σ, k1 = −γ dγ/(N σ²), k0 = −γ dβ/(N σ) − k1 μ.
    std::vector<float> kd(channels), k1(channels), k0(channels);
    for (int64_t c = 0; c < channels; c++) {
      const double invStd = 1.0 / std::sqrt(static_cast<double>(variance[c]) + epsilon);
      const double dg = sumDyCentred[c] * invStd;
      dBeta[c] = static_cast<float>(sumDy[c]);
      dGamma[c] = static_cast<float>(dg);
      const double a = gamma[c] * invStd;
      const double b = -a * invStd * dg / rows;
      kd[c] = static_cast<float>(a);
      k1[c] = static_cast<float>(b);
      k0[c] = static_cast<float>(-a * sumDy[c] / rows - b * mean[c]);
    }
    affineRows(rows, channels, x, dy, kd.data(), k1.data(), k0.data(), dx);
  });
}

// A function of its own: inside the lambda below GCC reloaded alpha through the captured
// reference on every element and kept a branch (mispredicted on every sign change) instead of
// vectorising.
void leakyReluGradImpl(const float* dy, const float* x, float alpha, float* dx, int64_t n) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : alpha * dy[i];
}

Napi::Value LeakyReluGrad(const Napi::CallbackInfo& info) {
  auto da = info[0].As<Napi::Float32Array>();
  const int64_t n = da.ElementLength();
  const float* dy = da.Data();
  const float* x = floatData(info[1], n, "leakyReluGrad x");
  const float alpha = info[2].As<Napi::Number>().FloatValue();
  float* dx = outputData(info[3], n, "leakyReluGrad dx");
  return guarded(info, [&] { leakyReluGradImpl(dy, x, alpha, dx, n); });
}

}  // namespace

void RegisterFused(Napi::Env env, Napi::Object exports) {
  exports.Set("batchNormForward", Napi::Function::New(env, BatchNormForward));
  exports.Set("batchNormBackward", Napi::Function::New(env, BatchNormBackward));
  exports.Set("leakyReluGrad", Napi::Function::New(env, LeakyReluGrad));
}

}  // namespace atrium
