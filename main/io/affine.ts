import { NiftiError } from './niftiErrors.ts';
import type { NiftiHeader } from './niftiTypes.ts';

/*
 * Voxel-to-world geometry with nibabel's semantics (nibabel 5: Nifti1Header.get_best_affine,
 * get_qform, get_base_affine and orientations.io_orientation). nib.load runs check_fix on the
 * header before any of these, so its silent repairs are part of the semantics and applied here:
 * an xform code outside 0..5 counts as 0, qfac other than -1 counts as 1, and pixdim[1..3]
 * of 0 become 1 and negative ones their absolute value.
 */

export type AffineSource = 'sform' | 'qform' | 'pixdim';

type BestAffine = { source: AffineSource; affine: number[][] } | { source: AffineSource; problem: string };

const KNOWN_XFORM_CODES = new Set([0, 1, 2, 3, 4, 5]);
const FLOAT32_EPSILON = 2 ** -23;
const AXIS_LABELS = [
  ['L', 'R'],
  ['P', 'A'],
  ['I', 'S'],
];

function xformCode(code: number): number {
  return KNOWN_XFORM_CODES.has(code) ? code : 0;
}

function repairedZooms(h: NiftiHeader): [number, number, number] {
  const z = (k: number) => (h.pixdim[k] === 0 ? 1 : Math.abs(h.pixdim[k]));
  return [z(1), z(2), z(3)];
}

function sformAffine(h: NiftiHeader): number[][] {
  return [[...h.srowX], [...h.srowY], [...h.srowZ], [0, 0, 0, 1]];
}

/**
 * The quaternion's real part is implied: a = sqrt(1 - b² - c² - d²). b, c, d are rounded to
 * the header's float precision, so for a half turn (a = 0) the sum can land a hair above 1;
 * nibabel accepts down to -3 eps of that precision and takes a = 0, anything further is not
 * a rotation.
 */
function qformAffine(h: NiftiHeader): number[][] | string {
  const b = h.quaternB,
    c = h.quaternC,
    d = h.quaternD;
  const threshold = -3 * (h.version === 1 ? FLOAT32_EPSILON : Number.EPSILON);
  const w2 = 1 - (b * b + c * c + d * d);
  if (w2 < threshold) {
    return `the qform quaternion (b, c, d) = (${b}, ${c}, ${d}) is longer than 1, so it is not a rotation`;
  }
  const a = w2 < 0 ? 0 : Math.sqrt(w2);
  const s = 2 / (a * a + b * b + c * c + d * d);
  const X = b * s,
    Y = c * s,
    Z = d * s;
  const wX = a * X,
    wY = a * Y,
    wZ = a * Z;
  const xX = b * X,
    xY = b * Y,
    xZ = b * Z;
  const yY = c * Y,
    yZ = c * Z,
    zZ = d * Z;
  const R = [
    [1 - (yY + zZ), xY - wZ, xZ + wY],
    [xY + wZ, 1 - (xX + zZ), yZ - wX],
    [xZ - wY, yZ + wX, 1 - (xX + yY)],
  ];
  const qfac = h.pixdim[0] === -1 ? -1 : 1;
  const zooms = repairedZooms(h);
  zooms[2] *= qfac;
  const offsets = [h.qoffsetX, h.qoffsetY, h.qoffsetZ];
  return [...R.map((row, r) => [row[0] * zooms[0], row[1] * zooms[1], row[2] * zooms[2], offsets[r]]), [0, 0, 0, 1]];
}

/** nibabel's shape_zoom_affine: x flipped (radiological Analyze convention), origin at the volume centre. */
function baseAffine(h: NiftiHeader): number[][] {
  const ndim = h.dim[0];
  const repaired = repairedZooms(h);
  const shape = [1, 2, 3].map((k) => (k <= ndim ? h.dim[k] : 1));
  const zooms = [0, 1, 2].map((i) => (i < ndim ? repaired[i] : 1));
  zooms[0] = -zooms[0];
  const out = [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 1],
  ];
  for (let i = 0; i < 3; i++) {
    out[i][i] = zooms[i];
    out[i][3] = -((shape[i] - 1) / 2) * zooms[i];
  }
  return out;
}

function bestAffine(h: NiftiHeader): BestAffine {
  if (xformCode(h.sformCode) !== 0) return { source: 'sform', affine: sformAffine(h) };
  if (xformCode(h.qformCode) !== 0) {
    const q = qformAffine(h);
    return typeof q === 'string' ? { source: 'qform', problem: q } : { source: 'qform', affine: q };
  }
  return { source: 'pixdim', affine: baseAffine(h) };
}

/** 4×4 voxel (i, j, k) to world (x, y, z in mm) matrix, as nibabel's img.affine after nib.load. */
export function affineOf(h: NiftiHeader): number[][] {
  const best = bestAffine(h);
  if ('problem' in best) throw new NiftiError('NIfTI header', best.problem);
  return best.affine;
}

/** Which header fields affineOf draws on. */
export function affineSourceOf(h: NiftiHeader): AffineSource {
  return bestAffine(h).source;
}

/** Voxel size in mm along i, j, k: nibabel's header.get_zooms(), padded with 1 for 1D/2D images. */
export function spacingOf(h: NiftiHeader): [number, number, number] {
  const z = repairedZooms(h);
  const ndim = h.dim[0];
  return [z[0], ndim >= 2 ? z[1] : 1, ndim >= 3 ? z[2] : 1];
}

const SOURCE_WORDS: Record<AffineSource, string> = {
  sform: 'sform (srow_x/y/z)',
  qform: 'qform (quaternion, qoffset and pixdim)',
  pixdim: 'voxel size (pixdim)',
};

/**
 * Why this header has no usable voxel-to-world transform, or null. Beyond what nibabel
 * refuses, a non-finite or singular transform is refused: Atrium could neither display
 * nor resample such a volume.
 */
export function geometryProblem(h: NiftiHeader): string | null {
  const best = bestAffine(h);
  if ('problem' in best) return best.problem;
  const spacing = spacingOf(h);
  if (!spacing.every(Number.isFinite)) return `the voxel size (pixdim) ${spacing.join(' × ')} contains NaN or infinite values`;
  const words = SOURCE_WORDS[best.source];
  const m = best.affine;
  if (!m.slice(0, 3).every((row) => row.every(Number.isFinite))) return `the ${words} contains NaN or infinite values`;
  const norms = [0, 1, 2].map((c) => Math.hypot(m[0][c], m[1][c], m[2][c]));
  const axis = norms.findIndex((n) => n === 0);
  if (axis >= 0) return `the ${words} gives voxel axis ${'ijk'[axis]} zero length`;
  const det =
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  if (Math.abs(det) <= 1e-6 * norms[0] * norms[1] * norms[2]) {
    return `the ${words} is degenerate: its voxel axes are (nearly) parallel`;
  }
  return null;
}

function dot(x: number[], y: number[]): number {
  return x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
}

function rotatePair(x: number[], y: number[], c: number, s: number): void {
  for (let k = 0; k < 3; k++) {
    const xk = x[k],
      yk = y[k];
    x[k] = c * xk - s * yk;
    y[k] = s * xk + c * yk;
  }
}

/**
 * Orthogonal factor of the polar decomposition (U·Vᵀ from the SVD), dropping singular values
 * below numpy's rank tolerance as nibabel does. One-sided Jacobi keeps small singular values
 * accurate, which the rank decision depends on.
 */
function polarRotation(m: number[][]): number[][] {
  const cols = [0, 1, 2].map((c) => [m[0][c], m[1][c], m[2][c]]);
  const v = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let sweep = 0; sweep < 30; sweep++) {
    let rotated = false;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      const alpha = dot(cols[p], cols[p]);
      const beta = dot(cols[q], cols[q]);
      const gamma = dot(cols[p], cols[q]);
      if (!(Math.abs(gamma) > Number.EPSILON * Math.sqrt(alpha * beta))) continue;
      rotated = true;
      const zeta = (beta - alpha) / (2 * gamma);
      const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
      const c = 1 / Math.sqrt(1 + t * t);
      rotatePair(cols[p], cols[q], c, c * t);
      rotatePair(v[p], v[q], c, c * t);
    }
    if (!rotated) break;
  }
  const singular = cols.map((col) => Math.sqrt(dot(col, col)));
  const tolerance = Math.max(...singular) * 3 * Number.EPSILON;
  const out = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  singular.forEach((s, i) => {
    if (!(s > tolerance)) return;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[r][c] += (cols[i][r] / s) * v[i][c];
  });
  return out;
}

/**
 * Three letters naming the world direction each voxel axis (i, j, k) points towards, as
 * ''.join(nibabel.aff2axcodes(affine)); '?' where nibabel answers None (an axis with no
 * direction). Shears and obliquity resolve to the closest world axis, each used once.
 */
export function orientationCode(affine: number[][]): string {
  const rs = [0, 1, 2].map((r) => [0, 1, 2].map((c) => affine[r][c]));
  for (let c = 0; c < 3; c++) {
    const zoom = Math.hypot(rs[0][c], rs[1][c], rs[2][c]) || 1;
    for (let r = 0; r < 3; r++) rs[r][c] /= zoom;
  }
  const R = polarRotation(rs);
  let code = '';
  for (let c = 0; c < 3; c++) {
    const col = [R[0][c], R[1][c], R[2][c]];
    if (col.every((x) => Math.abs(x) <= 1e-8)) {
      code += '?';
      continue;
    }
    let out = 0;
    for (let r = 1; r < 3; r++) if (Math.abs(col[r]) > Math.abs(col[out])) out = r;
    code += AXIS_LABELS[out][col[out] < 0 ? 0 : 1];
    R[out] = [0, 0, 0];
  }
  return code;
}
