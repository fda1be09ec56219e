// Fused optimiser updates: one pass per parameter, in place, instead of eight to twelve tfjs
// ops that each allocate a parameter-sized array (for the V-Net's 9.4 M parameters AdamW took
// about 300 ms a step that way). Each follows main/engine/optim/ operation for operation in
// float32, with the scalar factors rounded to float32 as tfjs rounds a scalar operand, so
// results match the tfjs ops' to the last bit or so.
//
// sgdUpdate(p, g, buffer, lr, momentum, weightDecay, nesterov)       torch.optim.SGD, dampening 0
//   d = g + p·λ;  with a buffer (momentum > 0): b = b·μ + d, d = Nesterov ? d + b·μ : b;
//   p = p − d·lr.  buffer: Float32Array (zeros before the first step, which makes b = d) or null.
// adamWUpdate(p, g, m, v, beta1, oneMinusBeta1, beta2, oneMinusBeta2, biasCorrection2Sqrt,
//             epsilon, decay, stepSize)                               torch.optim.AdamW
//   m = m·β1 + g·(1 − β1);  v = v·β2 + g²·(1 − β2);
//   p = p·decay − (m / (√v / biasCorrection2Sqrt + ε))·stepSize
//   with decay = 1 − lr λ, stepSize = lr / (1 − β1^t), biasCorrection2Sqrt = √(1 − β2^t);
//   m and v zeros before the first step.
// p, m, v and buffer are updated in place; the caller owns making sure nothing else shares them.
#include "common.h"

#include <cmath>

namespace atrium {

namespace {

constexpr int64_t kParallelMin = 1 << 15;

template <bool Decay, bool Momentum, bool Nesterov>
void sgdImpl(float* p, const float* g, float* b, int64_t n, float lr, float mu, float lambda) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; i++) {
    float d = g[i];
    if constexpr (Decay) d = d + p[i] * lambda;
    if constexpr (Momentum) {
      const float nb = b[i] * mu + d;
      b[i] = nb;
      d = Nesterov ? d + nb * mu : nb;
    }
    p[i] = p[i] - d * lr;
  }
}

Napi::Value SgdUpdate(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "sgdUpdate p must be a Float32Array");
  const int64_t n = info[0].As<Napi::TypedArray>().ElementLength();
  float* p = outputData(info[0], n, "sgdUpdate p");
  const float* g = floatData(info[1], n, "sgdUpdate g");
  float* b = info[2].IsNull() ? nullptr : outputData(info[2], n, "sgdUpdate buffer");
  const float lr = info[3].As<Napi::Number>().FloatValue();
  const float mu = info[4].As<Napi::Number>().FloatValue();
  const float lambda = info[5].As<Napi::Number>().FloatValue();
  const bool nesterov = info[6].As<Napi::Boolean>().Value();
  if (nesterov && !b) throw Napi::RangeError::New(info.Env(), "sgdUpdate: Nesterov needs a momentum buffer");
  return guarded(info, [&] {
    const bool decay = lambda != 0.0f;
    if (!b) {
      if (decay) sgdImpl<true, false, false>(p, g, b, n, lr, mu, lambda);
      else sgdImpl<false, false, false>(p, g, b, n, lr, mu, lambda);
    } else if (nesterov) {
      if (decay) sgdImpl<true, true, true>(p, g, b, n, lr, mu, lambda);
      else sgdImpl<false, true, true>(p, g, b, n, lr, mu, lambda);
    } else {
      if (decay) sgdImpl<true, true, false>(p, g, b, n, lr, mu, lambda);
      else sgdImpl<false, true, false>(p, g, b, n, lr, mu, lambda);
    }
  });
}

void adamWImpl(float* p, const float* g, float* m, float* v, int64_t n, float beta1, float oneMinusBeta1, float beta2,
               float oneMinusBeta2, float correction2, float epsilon, float decay, float stepSize) {
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = m[i] * beta1 + gi * oneMinusBeta1;
    const float vi = v[i] * beta2 + (gi * gi) * oneMinusBeta2;
    m[i] = mi;
    v[i] = vi;
    const float denominator = std::sqrt(vi) / correction2 + epsilon;
    p[i] = p[i] * decay - (mi / denominator) * stepSize;
  }
}

Napi::Value AdamWUpdate(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "adamWUpdate p must be a Float32Array");
  const int64_t n = info[0].As<Napi::TypedArray>().ElementLength();
  float* p = outputData(info[0], n, "adamWUpdate p");
  const float* g = floatData(info[1], n, "adamWUpdate g");
  float* m = outputData(info[2], n, "adamWUpdate m");
  float* v = outputData(info[3], n, "adamWUpdate v");
  float k[8];
  for (int i = 0; i < 8; i++) k[i] = info[4 + i].As<Napi::Number>().FloatValue();
  return guarded(info, [&] { adamWImpl(p, g, m, v, n, k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]); });
}

}  // namespace

void RegisterOptim(Napi::Env env, Napi::Object exports) {
  exports.Set("sgdUpdate", Napi::Function::New(env, SgdUpdate));
  exports.Set("adamWUpdate", Napi::Function::New(env, AdamWUpdate));
}

}  // namespace atrium
