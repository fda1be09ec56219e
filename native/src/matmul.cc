// Batched matrix product on oneDNN's matmul primitive (tfjs BatchMatMul).
//
// matMul([batchA, batchB, M, N, K, transposeA, transposeB], a, b, c)
//   a: [batchA, M, K] (or [batchA, K, M] if transposeA), b: [batchB, K, N] (or [batchB, N, K]),
//   c: [max(batchA, batchB), M, N]; a batch of 1 broadcasts against the other.
#include "common.h"

#include <map>
#include <memory>

namespace atrium {

using namespace dnnl;
using dt = memory::data_type;

namespace {

struct MatMulEntry {
  matmul prim;
  memory::desc a, b, c, scratchpad;
};

std::map<std::vector<int64_t>, std::unique_ptr<MatMulEntry>>& cache() {
  static std::map<std::vector<int64_t>, std::unique_ptr<MatMulEntry>> c;
  return c;
}

}  // namespace

void clearMatMulCache() { cache().clear(); }

Napi::Value MatMul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<int64_t> g = intList(info[0], "matMul geometry");
  if (g.size() != 7) throw Napi::RangeError::New(env, "matMul: geometry must have 7 entries");
  const int64_t batchA = g[0], batchB = g[1], M = g[2], N = g[3], K = g[4];
  const bool ta = g[5] != 0, tb = g[6] != 0;
  if (batchA != batchB && batchA != 1 && batchB != 1) throw Napi::RangeError::New(env, "matMul: batches must match or be 1");
  const int64_t batch = std::max(batchA, batchB);
  float* a = floatData(info[1], batchA * M * K, "matMul a");
  float* b = floatData(info[2], batchB * K * N, "matMul b");
  float* c = outputData(info[3], batch * M * N, "matMul c");
  return guarded(info, [&] {
    auto& slot = cache()[g];
    if (!slot) {
      auto e = std::make_unique<MatMulEntry>();
      // Row-major storage; a transposed operand is the same matrix read with swapped strides.
      e->a = memory::desc({batchA, M, K}, dt::f32, ta ? memory::dims{M * K, 1, M} : memory::dims{M * K, K, 1});
      e->b = memory::desc({batchB, K, N}, dt::f32, tb ? memory::dims{K * N, 1, K} : memory::dims{K * N, N, 1});
      e->c = memory::desc({batch, M, N}, dt::f32, memory::dims{M * N, N, 1});
      primitive_attr attr;
      attr.set_scratchpad_mode(scratchpad_mode::user);
      matmul::primitive_desc pd(matmul::desc(e->a, e->b, e->c), attr, cpuEngine());
      e->prim = matmul(pd);
      e->scratchpad = pd.scratchpad_desc();
      slot = std::move(e);
    }
    MatMulEntry& e = *slot;
    auto& eng = cpuEngine();
    memory ma(e.a, eng, a), mb(e.b, eng, b), mc(e.c, eng, c);
    memory pad(e.scratchpad, eng, scratch(3, e.scratchpad.get_size() + 64));
    e.prim.execute(cpuStream(), {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}, {DNNL_ARG_SCRATCHPAD, pad}});
    cpuStream().wait();
  });
}

}  // namespace atrium
