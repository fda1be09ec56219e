/**
 * The baseline the review queue must beat: K slices spread as evenly as a person without the
 * app's advice would spread them — each to the scan with the fewest annotated slices, at the
 * slice of its tissue farthest from that scan's annotated (and already chosen) slices.
 */
import type { SliceAxis } from '../engine/data/volumeSlice.ts';
import { tissueSlices } from '../engine/data/sliceSampler.ts';

export interface EvenScan {
  image: Float32Array;
  shape: readonly [number, number, number];
  /** Slices already annotated along the axis. */
  annotated: readonly number[];
}

export function evenlySpacedSlices(scans: readonly EvenScan[], axis: SliceAxis, k: number): { scan: number; slice: number }[] {
  const taken = scans.map((s) => [...s.annotated]);
  const tissue = scans.map((s) => [...tissueSlices({ image: s.image, shape: s.shape }, axis)].flatMap((t, n) => (t ? [n] : [])));
  const picks: { scan: number; slice: number }[] = [];
  for (let n = 0; n < k; n++) {
    const open = taken.flatMap((t, v) => (tissue[v]!.some((s) => !t.includes(s)) ? [v] : []));
    if (open.length === 0) break;
    const scan = open.reduce((best, v) => (taken[v]!.length < taken[best]!.length ? v : best));
    let slice = -1;
    let farthest = -1;
    for (const s of tissue[scan]!) {
      if (taken[scan]!.includes(s)) continue;
      const d = taken[scan]!.length ? Math.min(...taken[scan]!.map((t) => Math.abs(t - s))) : Math.min(s - tissue[scan]![0]!, tissue[scan]!.at(-1)! - s);
      if (d > farthest) {
        farthest = d;
        slice = s;
      }
    }
    taken[scan]!.push(slice);
    picks.push({ scan, slice });
  }
  return picks;
}
