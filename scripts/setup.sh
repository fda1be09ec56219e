#!/usr/bin/env bash
# Installs everything Atrium needs on a fresh Debian machine: system packages, then npm packages.
#   chromium          end-to-end tests and browser mode (Playwright drives Debian's build)
#   python3-nibabel   independent NIfTI reference the I/O tests compare against
#   mricron-data      real MRI (Colin 27) for tests; the app's sample is already in resources/
#   build tools       better-sqlite3 compiles from source where no prebuilt binary can be fetched
#   libdnnl-dev       oneDNN, for Atrium's native CPU kernels (native/, built by npm's postinstall with
#                     node-gyp, which also needs python3, make and g++); without it training runs pure JS
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null || need+=(chromium)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import nibabel' 2>/dev/null || need+=(python3-nibabel)
[ -f /usr/share/mricron/templates/ch2bet.nii.gz ] || need+=(mricron-data)
command -v make >/dev/null || need+=(make)
command -v g++ >/dev/null || need+=(g++)
[ -f /usr/include/oneapi/dnnl/dnnl.hpp ] || need+=(libdnnl-dev)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
npm ci --no-audit --no-fund
