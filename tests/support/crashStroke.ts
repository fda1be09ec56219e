/**
 * The r-th stroke (r ≥ 1) of the crash test: a whole row of voxels along i at (j, k), cycling
 * through every row; each full cycle switches between classes 1 and 2, so every stroke changes
 * every voxel it paints and revision r always means "strokes 1..r applied".
 */
export function crashStroke(shape: readonly [number, number, number], r: number): { k: number; indices: Uint32Array; value: number } {
  const [ni, nj, nk] = shape;
  const row = (r - 1) % (nj * nk);
  const j = row % nj;
  const k = Math.floor(row / nj);
  const value = 1 + (Math.floor((r - 1) / (nj * nk)) % 2);
  return { k, value, indices: Uint32Array.from({ length: ni }, (_, i) => i + ni * (j + nj * k)) };
}

/** The label map after strokes 1..revision, from an all-background start. */
export function crashExpected(shape: readonly [number, number, number], revision: number): Uint8Array {
  const labels = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (let r = 1; r <= revision; r++) {
    const s = crashStroke(shape, r);
    for (const index of s.indices) labels[index] = s.value;
  }
  return labels;
}
