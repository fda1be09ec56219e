import type { LabelClass } from '../../../shared/types.ts';

/** NiiVue's label colour table: parallel arrays of red, green, blue, alpha, value and name. */
export interface LabelColormap {
  R: number[];
  G: number[];
  B: number[];
  A: number[];
  I: number[];
  labels: string[];
}

/** "#e6194b" → [230, 25, 75]; anything unreadable becomes a neutral grey rather than an exception. */
export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(hex.trim());
  if (!m) return [128, 128, 128];
  const h = m[1].length === 3 ? m[1].replace(/./g, (c) => c + c) : m[1];
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

/**
 * Builds the overlay colour table from the project's classes. Value 0 (background) is fully
 * transparent; every class is opaque in its own colour (the overlay's opacity is applied on top).
 */
export function labelColormap(classes: readonly LabelClass[]): LabelColormap {
  const cm: LabelColormap = { R: [0], G: [0], B: [0], A: [0], I: [0], labels: ['Background'] };
  const sorted = [...classes].filter((c) => c.value > 0 && c.value < 256).sort((a, b) => a.value - b.value);
  for (const c of sorted) {
    const [r, g, b] = hexToRgb(c.color);
    cm.R.push(r);
    cm.G.push(g);
    cm.B.push(b);
    cm.A.push(255);
    cm.I.push(c.value);
    cm.labels.push(c.name);
  }
  return cm;
}
