// Shared pieces of Atrium's native kernels: the oneDNN engine and stream, growable scratch
// buffers, the thread-count setting and helpers to read N-API arguments.
#pragma once

#include <napi.h>
#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

namespace atrium {

dnnl::engine& cpuEngine();
dnnl::stream& cpuStream();

/** One lock around every kernel: the caches and scratch buffers are shared by all JS threads. */
std::mutex& kernelLock();

/** Threads for the next kernel (the setting is per OS thread in OpenMP, so apply it on each call). */
void applyThreads();
int configuredThreads();

/** Scratch buffer `slot` (0..kScratchSlots-1) of at least `bytes`, 64-byte aligned; reused between calls. */
constexpr int kScratchSlots = 6;
void* scratch(int slot, size_t bytes);
/** Frees every scratch buffer (after a large model, to give memory back). */
void releaseScratch();

/** Layout policy for activations: 0 = the primitive chooses (reorders from/to channels-last), 1 = channels-last as given. */
int layoutPolicy();

inline float* floatData(const Napi::Value& v, size_t expected, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a Float32Array");
  }
  auto a = v.As<Napi::Float32Array>();
  if (a.ElementLength() != expected) {
    throw Napi::RangeError::New(v.Env(), std::string(what) + ": expected " + std::to_string(expected) +
                                             " elements, got " + std::to_string(a.ElementLength()));
  }
  return a.Data();
}

/**
 * Asks for transparent huge pages on a large, freshly allocated output (above glibc's mmap
 * threshold it is a new mapping that would otherwise fault in 4 KiB at a time).
 */
inline void adviseHugePages(void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t huge = 2u << 20;
  static const bool enabled = [] {
    const char* e = std::getenv("ATRIUM_NATIVE_HUGEPAGES");
    return !(e && e[0] == '0');
  }();
  if (!enabled || bytes < 4 * huge) return;
  uintptr_t from = (reinterpret_cast<uintptr_t>(data) + huge - 1) & ~(huge - 1);
  uintptr_t to = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(huge - 1);
  if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
#endif
}

/** floatData for an array the kernel writes. */
inline float* outputData(const Napi::Value& v, size_t expected, const char* what) {
  float* p = floatData(v, expected, what);
  adviseHugePages(p, expected * sizeof(float));
  return p;
}

inline std::vector<int64_t> intList(const Napi::Value& v, const char* what) {
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), std::string(what) + " must be an array of integers");
  auto a = v.As<Napi::Array>();
  std::vector<int64_t> out(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) out[i] = a.Get(i).As<Napi::Number>().Int64Value();
  return out;
}

inline int64_t product(const std::vector<int64_t>& v, size_t from = 0, size_t to = SIZE_MAX) {
  int64_t p = 1;
  for (size_t i = from; i < v.size() && i < to; i++) p *= v[i];
  return p;
}

/** Runs `body` under the kernel lock with the thread setting applied; turns C++ errors into JS errors. */
template <typename F>
Napi::Value guarded(const Napi::CallbackInfo& info, F body) {
  try {
    std::lock_guard<std::mutex> lock(kernelLock());
    applyThreads();
    body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const dnnl::error& e) {
    throw Napi::Error::New(info.Env(), std::string("oneDNN: ") + e.what());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  return info.Env().Undefined();
}

Napi::Value Conv(const Napi::CallbackInfo& info);
Napi::Value MatMul(const Napi::CallbackInfo& info);
Napi::Value MaxPool(const Napi::CallbackInfo& info);
Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info);
void RegisterElementwise(Napi::Env env, Napi::Object exports);
void RegisterFused(Napi::Env env, Napi::Object exports);
void RegisterOptim(Napi::Env env, Napi::Object exports);
void RegisterLoss(Napi::Env env, Napi::Object exports);
void RegisterDropout(Napi::Env env, Napi::Object exports);
void clearConvCache();
void clearMatMulCache();

}  // namespace atrium
