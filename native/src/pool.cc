// Max pooling, 2-D and 3-D, channels-last, with tfjs-cpu's semantics: padded positions are
// skipped, NaN never wins, and the gradient goes to the first maximum in window order (the
// last one with lastWins, as tfjs-cpu's MaxPool3DGrad does).
//
// geometry = [N, C, inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, padFront, padTop, padLeft, lastWins]
// (2-D pooling: D = kD = sD = 1, padFront = 0)
// maxPool(geometry, x, y);  maxPoolGrad(geometry, x, dy, dx)
#include "common.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace atrium {

namespace {

struct PoolGeometry {
  int64_t N, C, inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, pD, pH, pW, lastWins;
};

PoolGeometry parsePool(const Napi::Value& v) {
  auto g = intList(v, "pool geometry");
  if (g.size() != 18) throw Napi::RangeError::New(v.Env(), "pool geometry must have 18 entries");
  return {g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15], g[16], g[17]};
}

struct Window {
  int64_t d0, d1, h0, h1, w0, w1;
};

inline Window window(const PoolGeometry& g, int64_t od, int64_t oh, int64_t ow) {
  int64_t d = od * g.sD - g.pD, h = oh * g.sH - g.pH, w = ow * g.sW - g.pW;
  return {std::max<int64_t>(d, 0), std::min(g.inD, d + g.kD), std::max<int64_t>(h, 0), std::min(g.inH, h + g.kH),
          std::max<int64_t>(w, 0), std::min(g.inW, w + g.kW)};
}

}  // namespace

Napi::Value MaxPool(const Napi::CallbackInfo& info) {
  PoolGeometry g = parsePool(info[0]);
  const float* x = floatData(info[1], g.N * g.inD * g.inH * g.inW * g.C, "maxPool x");
  float* y = outputData(info[2], g.N * g.outD * g.outH * g.outW * g.C, "maxPool y");
  return guarded(info, [&] {
    const int64_t rows = g.N * g.outD * g.outH;
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; r++) {
      const int64_t oh = r % g.outH, od = (r / g.outH) % g.outD, n = r / (g.outH * g.outD);
      for (int64_t ow = 0; ow < g.outW; ow++) {
        float* out = y + ((r * g.outW) + ow) * g.C;
        for (int64_t c = 0; c < g.C; c++) out[c] = -std::numeric_limits<float>::infinity();
        Window w = window(g, od, oh, ow);
        for (int64_t id = w.d0; id < w.d1; id++)
          for (int64_t ih = w.h0; ih < w.h1; ih++)
            for (int64_t iw = w.w0; iw < w.w1; iw++) {
              const float* in = x + (((n * g.inD + id) * g.inH + ih) * g.inW + iw) * g.C;
              // A select, not a conditional store, so that it vectorises.
              for (int64_t c = 0; c < g.C; c++) out[c] = in[c] > out[c] ? in[c] : out[c];
            }
      }
    }
  });
}

Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  PoolGeometry g = parsePool(info[0]);
  const int64_t inSize = g.N * g.inD * g.inH * g.inW * g.C;
  const float* x = floatData(info[1], inSize, "maxPoolGrad x");
  const float* dy = floatData(info[2], g.N * g.outD * g.outH * g.outW * g.C, "maxPoolGrad dy");
  float* dx = outputData(info[3], inSize, "maxPoolGrad dx");
  return guarded(info, [&] {
    std::memset(dx, 0, sizeof(float) * inSize);
    // Windows that do not overlap write disjoint parts of dx and can run in parallel row by
    // row; overlapping ones only batch by batch.
    const bool disjoint = g.kD <= g.sD && g.kH <= g.sH && g.kW <= g.sW;
    const int64_t rows = disjoint ? g.N * g.outD * g.outH : g.N;
    const int64_t perRow = disjoint ? 1 : g.outD * g.outH;
#pragma omp parallel
    {
      std::vector<float> best(g.C);
      std::vector<int64_t> at(g.C);
#pragma omp for schedule(static)
      for (int64_t r = 0; r < rows; r++) {
        for (int64_t q = r * perRow; q < (r + 1) * perRow; q++) {
          const int64_t oh = q % g.outH, od = (q / g.outH) % g.outD, n = q / (g.outH * g.outD);
          for (int64_t ow = 0; ow < g.outW; ow++) {
            Window w = window(g, od, oh, ow);
            for (int64_t c = 0; c < g.C; c++) {
              best[c] = -std::numeric_limits<float>::infinity();
              at[c] = -1;
            }
            for (int64_t id = w.d0; id < w.d1; id++)
              for (int64_t ih = w.h0; ih < w.h1; ih++)
                for (int64_t iw = w.w0; iw < w.w1; iw++) {
                  const int64_t base = (((n * g.inD + id) * g.inH + ih) * g.inW + iw) * g.C;
                  if (g.lastWins) {
                    for (int64_t c = 0; c < g.C; c++)
                      if (x[base + c] >= best[c]) {
                        best[c] = x[base + c];
                        at[c] = base + c;
                      }
                  } else {
                    for (int64_t c = 0; c < g.C; c++)
                      if (x[base + c] > best[c]) {
                        best[c] = x[base + c];
                        at[c] = base + c;
                      }
                  }
                }
            const float* grad = dy + ((q * g.outW) + ow) * g.C;
            for (int64_t c = 0; c < g.C; c++)
              if (at[c] >= 0) dx[at[c]] += grad[c];
          }
        }
      }
    }
  });
}

}  // namespace atrium
