// Convolutions (2-D and 3-D, channels-last, tfjs filter layout [k..., in, out]) on oneDNN:
// forward, backward-data (also transposed convolution) and backward-weights.
//
// conv(kind, geometry, a, b, c)
//   kind 0 forward:          a = x  [N, in..., Ci],  b = w [k..., Ci, Co], c = y  [N, out..., Co]
//   kind 1 backward data:    a = dy [N, out..., Co], b = w,                c = dx [N, in..., Ci]
//   kind 2 backward weights: a = x,                  b = dy,               c = dw [k..., Ci, Co]
//   geometry = [nd, N, Ci, Co, in[nd], k[nd], out[nd], stride[nd], dilation[nd] (oneDNN: 0 = dense),
//               padBefore[nd], padAfter[nd]]
// Primitives are cached by (kind, geometry, layout policy); scratch memory is shared.
#include "common.h"

#include <map>
#include <memory>
#include <optional>

namespace atrium {

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

struct ConvEntry {
  primitive prim;
  int argA, argB, argC;
  memory::desc userA, userB, userC;  // as the JS buffers are laid out
  memory::desc primA, primB, primC;  // as the primitive wants them
  std::optional<reorder> toA, toB, fromC;
  memory::desc scratchpad;
};

std::map<std::vector<int64_t>, std::unique_ptr<ConvEntry>>& cache() {
  static std::map<std::vector<int64_t>, std::unique_ptr<ConvEntry>> c;
  return c;
}

struct Geometry {
  int nd;
  memory::dim N, Ci, Co;
  memory::dims in, k, out, stride, dilation, padL, padR;
};

Geometry parse(const std::vector<int64_t>& g, Napi::Env env) {
  if (g.empty() || (g[0] != 2 && g[0] != 3)) throw Napi::RangeError::New(env, "conv: nd must be 2 or 3");
  int nd = static_cast<int>(g[0]);
  if (g.size() != static_cast<size_t>(4 + 7 * nd)) throw Napi::RangeError::New(env, "conv: bad geometry length");
  Geometry r{nd, g[1], g[2], g[3], {}, {}, {}, {}, {}, {}, {}};
  auto take = [&](int block) { return memory::dims(g.begin() + 4 + block * nd, g.begin() + 4 + (block + 1) * nd); };
  r.in = take(0);
  r.k = take(1);
  r.out = take(2);
  r.stride = take(3);
  r.dilation = take(4);
  r.padL = take(5);
  r.padR = take(6);
  return r;
}

memory::dims act(memory::dim n, memory::dim c, const memory::dims& sp) {
  memory::dims d{n, c};
  d.insert(d.end(), sp.begin(), sp.end());
  return d;
}

std::optional<reorder> maybeReorder(const memory::desc& from, const memory::desc& to) {
  if (from == to) return std::nullopt;
  return reorder(reorder::primitive_desc(cpuEngine(), from, cpuEngine(), to));
}

memory::dims contiguousStrides(const memory::dims& shape) {
  memory::dims s(shape.size());
  memory::dim acc = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * A stride-1 forward convolution whose filter is larger than its output (the cpu backend's
 * filter-gradient trick in main/engine/ops/gradients/convFilterGradient.ts computes
 * dW = conv(transposed x, transposed dy) that way) is a backward-weights problem with the
 * roles exchanged:  y[n, o.., co] = Σ x[n, o+k.., c] f[k.., c, co]  is dW'[o.., n, co] of
 * src' = x read as [batch c, channels n], diff_dst' = f read as [batch c, channels co].
 * Direct convolution with huge kernels is an order of magnitude slower than that.
 */
bool wantsBackwardWeightsForm(int kind, const Geometry& g) {
  if (kind != 0) return false;
  for (int i = 0; i < g.nd; i++)
    if (g.stride[i] != 1 || g.dilation[i] != 0) return false;
  int64_t k = 1, out = 1;
  for (int i = 0; i < g.nd; i++) {
    k *= g.k[i];
    out *= g.out[i];
  }
  return k >= 4 * out;
}

std::unique_ptr<ConvEntry> buildAsBackwardWeights(const Geometry& g) {
  // Strides of the JS arrays: x [N, in.., Ci], f [k.., Ci, Co], y [N, out.., Co].
  memory::dims xShape{g.N}, fShape, yShape{g.N};
  xShape.insert(xShape.end(), g.in.begin(), g.in.end());
  xShape.push_back(g.Ci);
  fShape.insert(fShape.end(), g.k.begin(), g.k.end());
  fShape.push_back(g.Ci);
  fShape.push_back(g.Co);
  yShape.insert(yShape.end(), g.out.begin(), g.out.end());
  yShape.push_back(g.Co);
  auto xs = contiguousStrides(xShape), fs = contiguousStrides(fShape), ys = contiguousStrides(yShape);
  memory::dims srcDims{g.Ci, g.N}, srcStrides{1, xs[0]};
  memory::dims dstDims{g.Ci, g.Co}, dstStrides{fs[g.nd], 1};
  memory::dims wDims{g.Co, g.N}, wStrides{1, ys[0]};
  for (int i = 0; i < g.nd; i++) {
    srcDims.push_back(g.in[i]);
    srcStrides.push_back(xs[1 + i]);
    dstDims.push_back(g.k[i]);
    dstStrides.push_back(fs[i]);
    wDims.push_back(g.out[i]);
    wStrides.push_back(ys[1 + i]);
  }
  memory::desc src(srcDims, dt::f32, srcStrides), diffDst(dstDims, dt::f32, dstStrides), diffW(wDims, dt::f32, wStrides);
  memory::desc srcAny(srcDims, dt::f32, tag::any), dstAny(dstDims, dt::f32, tag::any), wAny(wDims, dt::f32, tag::any);
  memory::dims ones(g.nd, 1), zeros(g.nd, 0);
  convolution_forward::desc fwdDesc(prop_kind::forward_training, algorithm::convolution_direct, srcAny, wAny, dstAny,
                                    ones, zeros, g.padL, g.padR);
  convolution_forward::primitive_desc hint(fwdDesc, cpuEngine());
  primitive_attr attr;
  attr.set_scratchpad_mode(scratchpad_mode::user);
  convolution_backward_weights::desc d(algorithm::convolution_direct, srcAny, wAny, dstAny, ones, zeros, g.padL, g.padR);
  convolution_backward_weights::primitive_desc pd(d, attr, cpuEngine(), hint);
  auto entry = std::make_unique<ConvEntry>();
  entry->prim = convolution_backward_weights(pd);
  entry->argA = DNNL_ARG_SRC;
  entry->argB = DNNL_ARG_DIFF_DST;
  entry->argC = DNNL_ARG_DIFF_WEIGHTS;
  entry->userA = src;
  entry->userB = diffDst;
  entry->userC = diffW;
  entry->primA = pd.src_desc();
  entry->primB = pd.diff_dst_desc();
  entry->primC = pd.diff_weights_desc();
  entry->scratchpad = pd.scratchpad_desc();
  return entry;
}

std::unique_ptr<ConvEntry> build(int kind, const Geometry& g, int policy) {
  const tag actTag = g.nd == 2 ? tag::nhwc : tag::ndhwc;
  const tag wTag = g.nd == 2 ? tag::hwio : tag::dhwio;
  memory::desc src(act(g.N, g.Ci, g.in), dt::f32, actTag);
  memory::desc dst(act(g.N, g.Co, g.out), dt::f32, actTag);
  memory::desc wts(act(g.Co, g.Ci, g.k), dt::f32, wTag);
  const tag actChoice = policy == 1 ? actTag : tag::any;
  memory::desc srcAny(act(g.N, g.Ci, g.in), dt::f32, actChoice);
  memory::desc dstAny(act(g.N, g.Co, g.out), dt::f32, actChoice);
  memory::desc wtsAny(act(g.Co, g.Ci, g.k), dt::f32, tag::any);

  primitive_attr attr;
  attr.set_scratchpad_mode(scratchpad_mode::user);
  convolution_forward::desc fwdDesc(prop_kind::forward_training, algorithm::convolution_direct, srcAny, wtsAny,
                                    dstAny, g.stride, g.dilation, g.padL, g.padR);
  std::unique_ptr<ConvEntry> entry;
  if (wantsBackwardWeightsForm(kind, g)) {
    entry = buildAsBackwardWeights(g);
  } else if (kind == 0) {
    entry = std::make_unique<ConvEntry>();
    convolution_forward::primitive_desc pd(fwdDesc, attr, cpuEngine());
    entry->prim = convolution_forward(pd);
    entry->argA = DNNL_ARG_SRC;
    entry->argB = DNNL_ARG_WEIGHTS;
    entry->argC = DNNL_ARG_DST;
    entry->userA = src;
    entry->userB = wts;
    entry->userC = dst;
    entry->primA = pd.src_desc();
    entry->primB = pd.weights_desc();
    entry->primC = pd.dst_desc();
    entry->scratchpad = pd.scratchpad_desc();
  } else if (kind == 1) {
    entry = std::make_unique<ConvEntry>();
    convolution_forward::primitive_desc hint(fwdDesc, cpuEngine());
    convolution_backward_data::desc d(algorithm::convolution_direct, srcAny, wtsAny, dstAny, g.stride, g.dilation,
                                      g.padL, g.padR);
    convolution_backward_data::primitive_desc pd(d, attr, cpuEngine(), hint);
    entry->prim = convolution_backward_data(pd);
    entry->argA = DNNL_ARG_DIFF_DST;
    entry->argB = DNNL_ARG_WEIGHTS;
    entry->argC = DNNL_ARG_DIFF_SRC;
    entry->userA = dst;
    entry->userB = wts;
    entry->userC = src;
    entry->primA = pd.diff_dst_desc();
    entry->primB = pd.weights_desc();
    entry->primC = pd.diff_src_desc();
    entry->scratchpad = pd.scratchpad_desc();
  } else {
    entry = std::make_unique<ConvEntry>();
    convolution_forward::primitive_desc hint(fwdDesc, cpuEngine());
    convolution_backward_weights::desc d(algorithm::convolution_direct, srcAny, wtsAny, dstAny, g.stride, g.dilation,
                                         g.padL, g.padR);
    convolution_backward_weights::primitive_desc pd(d, attr, cpuEngine(), hint);
    entry->prim = convolution_backward_weights(pd);
    entry->argA = DNNL_ARG_SRC;
    entry->argB = DNNL_ARG_DIFF_DST;
    entry->argC = DNNL_ARG_DIFF_WEIGHTS;
    entry->userA = src;
    entry->userB = dst;
    entry->userC = wts;
    entry->primA = pd.src_desc();
    entry->primB = pd.diff_dst_desc();
    entry->primC = pd.diff_weights_desc();
    entry->scratchpad = pd.scratchpad_desc();
  }
  entry->toA = maybeReorder(entry->userA, entry->primA);
  entry->toB = maybeReorder(entry->userB, entry->primB);
  entry->fromC = maybeReorder(entry->primC, entry->userC);
  return entry;
}

}  // namespace

void clearConvCache() { cache().clear(); }

Napi::Value Conv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int kind = info[0].As<Napi::Number>().Int32Value();
  if (kind < 0 || kind > 2) throw Napi::RangeError::New(env, "conv: kind must be 0, 1 or 2");
  std::vector<int64_t> key = intList(info[1], "geometry");
  Geometry g = parse(key, env);
  const int64_t xSize = g.N * g.Ci * product(g.in);
  const int64_t ySize = g.N * g.Co * product(g.out);
  const int64_t wSize = g.Ci * g.Co * product(g.k);
  const int64_t sizes[3][3] = {{xSize, wSize, ySize}, {ySize, wSize, xSize}, {xSize, ySize, wSize}};
  float* a = floatData(info[2], sizes[kind][0], "conv input a");
  float* b = floatData(info[3], sizes[kind][1], "conv input b");
  float* c = outputData(info[4], sizes[kind][2], "conv output");
  return guarded(info, [&] {
    int policy = layoutPolicy();
    key.push_back(kind);
    key.push_back(policy);
    auto& slot = cache()[key];
    if (!slot) slot = build(kind, g, policy);
    ConvEntry& e = *slot;
    auto& eng = cpuEngine();
    auto& s = cpuStream();
    memory ua(e.userA, eng, a), ub(e.userB, eng, b), uc(e.userC, eng, c);
    memory ma = ua, mb = ub, mc = uc;
    if (e.toA) {
      ma = memory(e.primA, eng, scratch(0, e.primA.get_size()));
      e.toA->execute(s, ua, ma);
    }
    if (e.toB) {
      mb = memory(e.primB, eng, scratch(1, e.primB.get_size()));
      e.toB->execute(s, ub, mb);
    }
    if (e.fromC) mc = memory(e.primC, eng, scratch(2, e.primC.get_size()));
    memory pad(e.scratchpad, eng, scratch(3, e.scratchpad.get_size() + 64));
    e.prim.execute(s, {{e.argA, ma}, {e.argB, mb}, {e.argC, mc}, {DNNL_ARG_SCRATCHPAD, pad}});
    if (e.fromC) e.fromC->execute(s, mc, uc);
    s.wait();
  });
}

}  // namespace atrium
