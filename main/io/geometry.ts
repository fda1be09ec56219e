import { affineOf, orientationCode } from './affine.ts';
import type { NiftiHeader } from './niftiTypes.ts';

/** The spatial grid, dim[1..3]; 1D and 2D images get size 1 along the missing axes. */
export function shapeOf(h: NiftiHeader): [number, number, number] {
  const ndim = h.dim[0];
  const size = (k: number) => (k <= ndim ? h.dim[k] : 1);
  return [size(1), size(2), size(3)];
}

/** Number of 3D volumes stacked along dim[4..7] (time, components, ...). */
export function frameCount(h: NiftiHeader): number {
  let frames = 1;
  for (let k = 4; k <= h.dim[0]; k++) frames *= h.dim[k];
  return frames;
}

function formatNumber(x: number): string {
  return String(Number(x.toPrecision(7)));
}

const TRANSLATION_NAMES = ['x offset', 'y offset', 'z offset'];

/**
 * Whether two images share a voxel grid: same i, j, k sizes and voxel-to-world affines equal
 * element by element within `toleranceMm`. Element-wise (rather than exact) comparison lets
 * through float32 rounding and sform/qform round trips made by other tools.
 */
export function sameGeometry(a: NiftiHeader, b: NiftiHeader, toleranceMm = 1e-4): { same: true } | { same: false; reason: string } {
  const shapeA = shapeOf(a),
    shapeB = shapeOf(b);
  if (shapeA.some((n, i) => n !== shapeB[i])) {
    return { same: false, reason: `grid ${shapeA.join('×')} does not match ${shapeB.join('×')}` };
  }
  const affineA = affineOf(a),
    affineB = affineOf(b);
  const codeA = orientationCode(affineA),
    codeB = orientationCode(affineB);
  if (codeA !== codeB) return { same: false, reason: `orientation ${codeA} does not match ${codeB}` };
  let worst = { diff: 0, r: 0, c: 0 };
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      const diff = Math.abs(affineA[r][c] - affineB[r][c]);
      if (!(diff <= worst.diff)) worst = { diff, r, c };
    }
  }
  if (worst.diff <= toleranceMm) return { same: true };
  const { r, c } = worst;
  const what = c === 3 ? `the ${TRANSLATION_NAMES[r]}` : `affine element [${r}][${c}]`;
  return {
    same: false,
    reason: `voxel-to-world transforms differ: ${what} is ${formatNumber(affineA[r][c])} vs ${formatNumber(affineB[r][c])} (tolerance ${toleranceMm} mm)`,
  };
}
