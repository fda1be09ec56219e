/**
 * Percentiles with numpy's default ("linear") convention: for n sorted values x₀ ≤ … ≤ xₙ₋₁
 * the q-th percentile is read at fractional rank h = (n-1)·q/100 and interpolated linearly
 * between x⌊h⌋ and x⌊h⌋₊₁. This is what `numpy.percentile`, MedPy and MONAI use.
 *
 * Uses selection (expected O(n)) instead of a full sort, because it is run on the non-zero
 * voxels of whole scans.
 */

/**
 * The q-th percentile of `values` (not modified).
 * @param values at least one number; NaN is not allowed.
 * @param q percentile in [0, 100].
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) throw new RangeError('percentile of an empty set');
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${q}`);
  const work = Float64Array.from(values);
  const rank = ((n - 1) * q) / 100;
  const lo = Math.floor(rank);
  const low = select(work, lo);
  if (lo === rank) return low;
  // After selecting rank lo, everything above it is ≥ work[lo]; the next order statistic is their minimum.
  let high = Infinity;
  for (let i = lo + 1; i < n; i++) if (work[i]! < high) high = work[i]!;
  return low + (high - low) * (rank - lo);
}

/**
 * Rearranges `a` so that `a[k]` is its k-th smallest element, smaller-or-equal ones before it
 * and greater-or-equal ones after it (Hoare partition, middle pivot; duplicates stay balanced).
 */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (left < right) {
    const pivot = a[(left + right) >>> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
}
