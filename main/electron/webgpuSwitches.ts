/**
 * Chromium's WebGPU switches for the desktop shell. Electron ≥ 42 (Chromium 147/148) has WebGPU
 * on by default on Windows, macOS, Linux Intel Gen12+ and NVIDIA with driver ≥ 535.183; other
 * Linux GPUs need `--enable-unsafe-webgpu --enable-features=Vulkan`. Those switches are added
 * only where a start without them found no adapter: they would otherwise change, for every user,
 * how Chromium drives a GPU that works. Switches must be set before the app is ready, so the
 * finding is kept in a small file in the user-data folder and the next start reads it.
 */

/** What the user-data file remembers: a start without the switches found no WebGPU adapter. */
export interface WebGpuMarker {
  vulkan: boolean;
}

export const MARKER_FILE = 'webgpu.json';

/** The command-line switches for this start. */
export function webGpuSwitches(platform: NodeJS.Platform, marker: WebGpuMarker | null): [string, string?][] {
  if (platform !== 'linux' || !marker?.vulkan) return [];
  return [['enable-unsafe-webgpu'], ['enable-features', 'Vulkan']];
}

/** Whether to remember, after a start that found no adapter, to try Vulkan from the next start on. */
export function shouldTryVulkan(platform: NodeJS.Platform, marker: WebGpuMarker | null, adapterFound: boolean): boolean {
  return platform === 'linux' && !adapterFound && !marker?.vulkan;
}

export function parseMarker(text: string | null): WebGpuMarker | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as { vulkan?: unknown };
    return { vulkan: value.vulkan === true };
  } catch {
    return null;
  }
}
