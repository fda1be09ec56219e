// The supervised loss of main/engine/losses/supervisedLoss.ts, ½ (CE + Dice(softmax)), and its
// gradient with respect to the logits in two passes over [rows, classes]; as tfjs ops it is
// about forty kernels forward and backward, each a pass with an array of its own.
//
// supervisedLoss(rows, classes, logits, target, mask, allClasses, squared, epsilon, grad) → loss
//   logits [rows, classes] float32; target [rows] int32 (a value outside [0, classes) is no
//   class, as a one-hot of it is all zeros); mask [rows] float32 or null (all ones).
//   With p = softmax(logits), y the one-hot target, m the mask, M = max(Σ m, 1):
//     CE = Σ_v m_v (−log p_{v,y_v}) / M
//     Dice = mean over c in S of 1 − (2 I_c + ε) / (P_c + Y_c + ε),
//       I_c = Σ m p_c y_c, P_c = Σ m p_c (m p_c² with squared), Y_c = Σ m y_c,
//       S = all classes with allClasses, else 1 … classes − 1
//   returns ½ (CE + Dice) and writes its gradient to grad [rows, classes]:
//     ½ m (p − y) / M  +  p ⊙ (g − Σ_c g_c p_c),
//     g_c = [c ∈ S] / (2 |S|) · (−2 m y_c / den_c + (2 I_c + ε) m (1, or 2 p_c) / den_c²),
//     den_c = P_c + Y_c + ε.
//   Sums in double; log-softmax as tfjs computes it, z − max − log Σ exp(z − max).
#include "common.h"

#include <cmath>
#include <limits>

namespace atrium {

namespace {

constexpr int64_t kParallelMin = 1 << 15;

Napi::Value SupervisedLoss(const Napi::CallbackInfo& info) {
  const int64_t rows = info[0].As<Napi::Number>().Int64Value();
  const int64_t classes = info[1].As<Napi::Number>().Int64Value();
  if (rows < 1 || classes < 1) throw Napi::RangeError::New(info.Env(), "supervisedLoss: empty input");
  const float* logits = floatData(info[2], rows * classes, "supervisedLoss logits");
  if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      info[3].As<Napi::TypedArray>().ElementLength() != static_cast<size_t>(rows)) {
    throw Napi::TypeError::New(info.Env(), "supervisedLoss target must be an Int32Array of one entry per row");
  }
  const int32_t* target = info[3].As<Napi::Int32Array>().Data();
  const float* mask = info[4].IsNull() ? nullptr : floatData(info[4], rows, "supervisedLoss mask");
  const bool allClasses = info[5].As<Napi::Boolean>().Value();
  const bool squared = info[6].As<Napi::Boolean>().Value();
  const double epsilon = info[7].As<Napi::Number>().DoubleValue();
  float* grad = outputData(info[8], rows * classes, "supervisedLoss grad");
  const int64_t first = allClasses ? 0 : 1;
  if (first >= classes) throw Napi::RangeError::New(info.Env(), "supervisedLoss: no class for the Dice term");
  double loss = 0.0;
  guarded(info, [&] {
    const int threads = rows * classes >= kParallelMin ? configuredThreads() : 1;
    // Per thread: CE sum, mask sum, then I, P, Y per class.
    const int64_t width = 2 + 3 * classes;
    std::vector<double> partial(static_cast<size_t>(threads) * width, 0.0);
    // Pass 1: softmax into grad, and the sums.
#pragma omp parallel num_threads(threads)
    {
      const int t = omp_get_thread_num(), nt = omp_get_num_threads();
      const int64_t from = rows * t / nt, to = rows * (t + 1) / nt;
      double* acc = partial.data() + static_cast<size_t>(t) * width;
      double* I = acc + 2;
      double* P = I + classes;
      double* Y = P + classes;
      for (int64_t r = from; r < to; r++) {
        const float* z = logits + r * classes;
        float* p = grad + r * classes;
        float max = z[0];
        for (int64_t c = 1; c < classes; c++)
          if (z[c] > max || z[c] != z[c]) max = z[c];
        double sum = 0.0;
        for (int64_t c = 0; c < classes; c++) {
          p[c] = std::exp(z[c] - max);
          sum += p[c];
        }
        const double logSum = std::log(sum);
        const double m = mask ? mask[r] : 1.0;
        const int32_t y = target[r];
        const bool labelled = y >= 0 && y < classes;
        if (labelled) acc[0] += m * -(static_cast<double>(z[y]) - max - logSum);
        acc[1] += m;
        for (int64_t c = 0; c < classes; c++) {
          const float q = static_cast<float>(p[c] / sum);
          p[c] = q;
          P[c] += m * (squared ? static_cast<double>(q) * q : q);
        }
        if (labelled) {
          I[y] += m * p[y];
          Y[y] += m;
        }
      }
    }
    std::vector<double> total(width, 0.0);
    for (int t = 0; t < threads; t++)
      for (int64_t k = 0; k < width; k++) total[k] += partial[static_cast<size_t>(t) * width + k];
    const double* I = total.data() + 2;
    const double* P = I + classes;
    const double* Y = P + classes;
    const double known = std::max(total[1], 1.0);
    const double selected = static_cast<double>(classes - first);
    double dice = 0.0;
    // Per class: the Dice gradient's factor of m y_c (a) and of m (or 2 m p_c) (b).
    std::vector<double> a(classes, 0.0), b(classes, 0.0);
    for (int64_t c = first; c < classes; c++) {
      const double numerator = 2 * I[c] + epsilon;
      const double denominator = P[c] + Y[c] + epsilon;
      dice += 1 - numerator / denominator;
      a[c] = -2 / denominator / (2 * selected);
      b[c] = numerator / (denominator * denominator) / (2 * selected);
    }
    loss = 0.5 * (total[0] / known + dice / selected);
    // Pass 2: the gradient, over the probabilities in grad.
#pragma omp parallel num_threads(threads)
    {
      std::vector<double> g(classes);
#pragma omp for schedule(static)
      for (int64_t r = 0; r < rows; r++) {
        float* p = grad + r * classes;
        const double m = mask ? mask[r] : 1.0;
        const int32_t y = target[r];
        double dot = 0.0;
        for (int64_t c = 0; c < classes; c++) {
          g[c] = m * ((c == y ? a[c] : 0.0) + b[c] * (squared ? 2.0 * p[c] : 1.0));
          dot += g[c] * p[c];
        }
        for (int64_t c = 0; c < classes; c++) {
          const double ce = 0.5 * m * (p[c] - (c == y ? 1.0 : 0.0)) / known;
          p[c] = static_cast<float>(ce + p[c] * (g[c] - dot));
        }
      }
    }
  });
  return Napi::Number::New(info.Env(), loss);
}

}  // namespace

void RegisterLoss(Napi::Env env, Napi::Object exports) {
  exports.Set("supervisedLoss", Napi::Function::New(env, SupervisedLoss));
}

}  // namespace atrium
