{
  # Atrium's native CPU kernels for TensorFlow.js (N-API, so one build loads in Node and Electron).
  # Built by scripts/build-native.js: `node-gyp rebuild --directory native`.
  # Needs oneDNN's headers and library (Debian: libdnnl-dev) and an OpenMP compiler (g++).
  "targets": [
    {
      "target_name": "atrium_native",
      "sources": ["src/addon.cc", "src/conv.cc", "src/matmul.cc", "src/pool.cc", "src/elementwise.cc", "src/fused.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp", "-fexceptions"],
      "conditions": [["target_arch=='x64'", {"cflags_cc": ["-march=x86-64-v2", "-mtune=generic"]}]],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldnnl", "-lgomp"]
    }
  ]
}
