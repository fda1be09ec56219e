{
  # Atrium's native CPU kernels for TensorFlow.js (N-API, so one build loads in Node and Electron).
  # Built by scripts/build-native.js: `node-gyp rebuild --directory native`.
  # Needs oneDNN's headers and library (Debian: libdnnl-dev) and an OpenMP compiler (g++).
  # -fno-trapping-math, -fno-math-errno: nothing here reads floating-point exception flags or
  # errno, and without them GCC keeps a branch around any multiply in one arm of a select
  # (x < 0 ? a·x : x; it mispredicts on every sign change: LeakyReLU and its gradient ran about
  # 10× slower than ReLU) and calls sqrt one element at a time.
  "targets": [
    {
      "target_name": "atrium_native",
      "sources": ["src/addon.cc", "src/conv.cc", "src/matmul.cc", "src/pool.cc", "src/elementwise.cc", "src/fused.cc", "src/optim.cc", "src/loss.cc", "src/dropout.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp", "-fexceptions", "-fno-trapping-math", "-fno-math-errno"],
      "conditions": [["target_arch=='x64'", {"cflags_cc": ["-march=x86-64-v2", "-mtune=generic"]}]],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldnnl", "-lgomp"]
    }
  ]
}
