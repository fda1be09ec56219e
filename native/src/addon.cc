// Entry point of atrium_native.node: module functions and the shared state declared in common.h.
#include "common.h"

#include <atomic>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace atrium {

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpuStream() {
  static dnnl::stream stream(cpuEngine());
  return stream;
}

std::mutex& kernelLock() {
  static std::mutex lock;
  return lock;
}

static std::atomic<int> threads{0};
static std::atomic<int> layout{0};

void applyThreads() {
  int n = threads.load();
  if (n > 0 && omp_get_max_threads() != n) omp_set_num_threads(n);
}

int configuredThreads() {
  int n = threads.load();
  return n > 0 ? n : omp_get_max_threads();
}

int layoutPolicy() { return layout.load(); }

struct Scratch {
  void* data = nullptr;
  size_t bytes = 0;
};
static Scratch buffers[kScratchSlots];

void* scratch(int slot, size_t bytes) {
  Scratch& s = buffers[slot];
  if (bytes > s.bytes) {
    std::free(s.data);
    size_t size = ((bytes + 63) / 64) * 64;
    s.data = std::aligned_alloc(64, size);
    if (!s.data) {
      s.bytes = 0;
      throw std::bad_alloc();
    }
    s.bytes = size;
  }
  return s.data;
}

void releaseScratch() {
  for (auto& s : buffers) {
    std::free(s.data);
    s = Scratch{};
  }
}

static Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  int n = info[0].As<Napi::Number>().Int32Value();
  if (n < 1) throw Napi::RangeError::New(info.Env(), "thread count must be at least 1");
  std::lock_guard<std::mutex> lock(kernelLock());
  threads = n;
  omp_set_num_threads(n);
  return Napi::Number::New(info.Env(), n);
}

static Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), configuredThreads());
}

static Napi::Value SetLayoutPolicy(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(kernelLock());
  layout = info[0].As<Napi::Number>().Int32Value();
  return info.Env().Undefined();
}

static Napi::Value ClearCaches(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(kernelLock());
  clearConvCache();
  clearMatMulCache();
  releaseScratch();
  return info.Env().Undefined();
}

// tfjs allocates a fresh, zero-filled output array for every kernel call. Above glibc's mmap
// threshold each one is a new mapping whose pages fault in one by one on the first write,
// which costs several times the arithmetic of an element-wise op. Raising the threshold (glibc
// allows at most 32 MiB) and the trim threshold keeps freed blocks in the heap for reuse.
static Napi::Value TuneAllocator(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  const int mmapThreshold = info[0].As<Napi::Number>().Int32Value();
  const int trimThreshold = info[1].As<Napi::Number>().Int32Value();
  const bool ok = mallopt(M_MMAP_THRESHOLD, mmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, trimThreshold) == 1;
  return Napi::Boolean::New(info.Env(), ok);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

static Napi::Value Version(const Napi::CallbackInfo& info) {
  const dnnl_version_t* v = dnnl_version();
  std::string s = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
  auto out = Napi::Object::New(info.Env());
  out.Set("onednn", s);
  out.Set("cpuRuntime", v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other");
  out.Set("isa", std::to_string(static_cast<int>(dnnl::get_effective_cpu_isa())));
  return out;
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  exports.Set("setLayoutPolicy", Napi::Function::New(env, SetLayoutPolicy));
  exports.Set("clearCaches", Napi::Function::New(env, ClearCaches));
  exports.Set("version", Napi::Function::New(env, Version));
  exports.Set("tuneAllocator", Napi::Function::New(env, TuneAllocator));
  exports.Set("conv", Napi::Function::New(env, Conv));
  exports.Set("matMul", Napi::Function::New(env, MatMul));
  exports.Set("maxPool", Napi::Function::New(env, MaxPool));
  exports.Set("maxPoolGrad", Napi::Function::New(env, MaxPoolGrad));
  RegisterElementwise(env, exports);
  RegisterFused(env, exports);
  RegisterOptim(env, exports);
  RegisterLoss(env, exports);
  RegisterDropout(env, exports);
  return exports;
}

}  // namespace atrium

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return atrium::Init(env, exports); }

NODE_API_MODULE(atrium_native, InitModule)
