// Dropout exactly as tfjs computes it, in one pass. tf.dropout(x, rate, undefined, seed) is
// x · floor(u + keep) / keep, keep = 1 − rate, with u from randomUniform: seedrandom's Alea
// generator, seeded with String(seed), advanced in JavaScript one element at a time, then four
// elementwise kernels. Here the caller passes the generator's state after seeding, this file
// advances it as seedrandom/lib/alea.js does (same double arithmetic, no fused multiply-add),
// and rounds to float32 wherever tfjs stores a Float32Array, so the result is bit for bit
// tf.dropout's.
//
// dropout(x, keep, state, out, multiplier)
//   x, out, multiplier: Float32Array of one length; keep: 1 − rate; state: [c, s0, s1, s2].
//   multiplier[i] = floor(u_i + keep) / keep (0 or 1 / keep): what the backward pass multiplies
//   by; out[i] = x[i] · multiplier[i].
#include "common.h"

#include <cmath>

namespace atrium {

namespace {

// A fused multiply-add would round once where JavaScript rounds twice.
__attribute__((optimize("fp-contract=off"))) void dropoutPass(
    const float* x, int64_t n, float keep, double c, double s0, double s1, double s2, float* out, float* multiplier) {
  const float scale = 1.0f / keep;
  for (int64_t i = 0; i < n; i++) {
    const double t = 2091639.0 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    c = static_cast<double>(static_cast<int32_t>(t));
    s2 = t - c;
    const float u = static_cast<float>(s2);
    const float m = std::floor(u + keep) >= 1.0f ? scale : 0.0f;
    multiplier[i] = m;
    out[i] = x[i] * m;
  }
}

Napi::Value Dropout(const Napi::CallbackInfo& info) {
  if (!info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "dropout x must be a Float32Array");
  const size_t n = info[0].As<Napi::TypedArray>().ElementLength();
  const float* x = floatData(info[0], n, "dropout x");
  const double keep = info[1].As<Napi::Number>().DoubleValue();
  if (!(keep > 0.0 && keep <= 1.0)) throw Napi::RangeError::New(info.Env(), "dropout keep probability must be in (0, 1]");
  auto state = info[2].As<Napi::Array>();
  if (!info[2].IsArray() || state.Length() != 4) throw Napi::TypeError::New(info.Env(), "dropout state must be [c, s0, s1, s2]");
  const double c = state.Get(0u).As<Napi::Number>().DoubleValue();
  const double s0 = state.Get(1u).As<Napi::Number>().DoubleValue();
  const double s1 = state.Get(2u).As<Napi::Number>().DoubleValue();
  const double s2 = state.Get(3u).As<Napi::Number>().DoubleValue();
  float* out = outputData(info[3], n, "dropout out");
  float* multiplier = outputData(info[4], n, "dropout multiplier");
  // keep as the float32 scalar tensor tfjs makes of it
  dropoutPass(x, static_cast<int64_t>(n), static_cast<float>(keep), c, s0, s1, s2, out, multiplier);
  return info.Env().Undefined();
}

}  // namespace

void RegisterDropout(Napi::Env env, Napi::Object exports) {
  exports.Set("dropout", Napi::Function::New(env, Dropout));
}

}  // namespace atrium
