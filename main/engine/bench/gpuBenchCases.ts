import type { NetworkKind } from '../../../shared/networks.ts';

/** A case of `npm run bench:gpu`, in the form bench:cpu's worker and scripts/bench_cpu_torch.py take. */
export interface GpuBenchCase {
  name: string;
  kind: NetworkKind;
  mode: 'train' | 'infer-slices' | 'infer-window';
  batch: number;
  /** Tensor order: [H, W] or [D, H, W] (inference by windows: the window [pk, pj, pi]). */
  size: number[];
  classes: number;
  /** Whole scan to predict, NIfTI order [ni, nj, nk]. */
  scan?: [number, number, number];
  stride?: [number, number, number];
  /** bench:cpu skips these with --quick in pure JS; kept for its worker's input shape. */
  large: boolean;
}

export interface GpuBenchResult {
  name: string;
  ms: number;
  detail: string;
}

/** A 1 mm brain scan (MNI 181×217×181). */
const SCAN: [number, number, number] = [181, 217, 181];

/**
 * The papers' sizes (issue 16's targets): the SSL4MIS U-Net at 256² in batches of 24, the
 * UA-MT V-Net at 112×112×80 in batches of 4, and a whole scan predicted by each.
 */
export const PAPER_CASES: GpuBenchCase[] = [
  { name: 'U-Net 2D train b24 256×256', kind: 'unet2d', mode: 'train', batch: 24, size: [256, 256], classes: 4, large: true },
  { name: 'V-Net 3D train b4 112×112×80', kind: 'vnet3d', mode: 'train', batch: 4, size: [80, 112, 112], classes: 2, large: true },
  { name: 'U-Net 2D predict scan, slices b24', kind: 'unet2d', mode: 'infer-slices', batch: 24, size: [], classes: 4, scan: SCAN, large: true },
  {
    name: 'V-Net 3D predict scan, windows',
    kind: 'vnet3d',
    mode: 'infer-window',
    batch: 1,
    size: [80, 112, 112],
    classes: 2,
    scan: SCAN,
    stride: [56, 56, 40],
    large: true,
  },
];

/** Small enough for a software adapter (SwiftShader runs a width-16 network at seconds per step): checks the command, not a GPU. */
export const QUICK_CASES: GpuBenchCase[] = [
  { name: 'U-Net 2D train b2 64×64', kind: 'unet2d', mode: 'train', batch: 2, size: [64, 64], classes: 4, large: false },
  { name: 'V-Net 3D train b1 32×32×16', kind: 'vnet3d', mode: 'train', batch: 1, size: [16, 32, 32], classes: 2, large: false },
  { name: 'U-Net 2D predict scan, slices b4', kind: 'unet2d', mode: 'infer-slices', batch: 4, size: [], classes: 4, scan: [64, 64, 8], large: false },
];
