import type { LabelLut } from '../viewer/labelColormap.ts';

/** How the comparison of two runs' predictions is drawn: code (see `predictions.compare`) → name and colour. */
export const COMPARISON_LEGEND: { code: number; name: string; rgb: [number, number, number] }[] = [
  { code: 1, name: 'both, same class', rgb: [215, 215, 215] },
  { code: 2, name: 'only the shown run', rgb: [245, 130, 48] },
  { code: 3, name: 'only the compared run', rgb: [66, 212, 244] },
  { code: 4, name: 'different classes', rgb: [240, 50, 230] },
];

/** The colour table of a comparison map: both-background clear, every other code opaque in its colour. */
export function comparisonLut(): LabelLut {
  const lut = new Uint8ClampedArray(256 * 4);
  const labels = Array.from({ length: 256 }, () => '');
  labels[0] = 'both background';
  for (const { code, name, rgb } of COMPARISON_LEGEND) {
    lut.set([...rgb, 255], code * 4);
    labels[code] = name;
  }
  return { lut, labels };
}
