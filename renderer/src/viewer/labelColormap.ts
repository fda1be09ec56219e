import type { LabelClass } from '../../../shared/types.ts';

/** NiiVue's drawing colour table: RGBA for each of the 256 label values, and a name per value. */
export interface LabelLut {
  lut: Uint8ClampedArray;
  labels: string[];
}

/**
 * The drawing value the Fill tool's preview is shown with: 255, which no class can hold (class
 * values end at 254), so a previewed voxel never reads as a class. The preview is white, a colour
 * no class is given by default, under the label overlay's opacity like the classes.
 */
export const FILL_PREVIEW_VALUE = 255;
export const FILL_PREVIEW_COLOR = '#ffffff';

/** "#e6194b" → [230, 25, 75]; anything unreadable becomes a neutral grey rather than an exception. */
export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(hex.trim());
  if (!m) return [128, 128, 128];
  const h = m[1].length === 3 ? m[1].replace(/./g, (c) => c + c) : m[1];
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

/** How one class is drawn: hidden or shown, and its own opacity (0..1, under the overlay's opacity). */
export interface ClassDisplay {
  visible: boolean;
  opacity: number;
}

/** Display settings by class value; a class missing from it is shown, fully opaque. */
export type ClassDisplays = Readonly<Record<number, ClassDisplay>>;

/** A class's display setting, the default when none was set. */
export function classDisplay(displays: ClassDisplays, value: number): ClassDisplay {
  return displays[value] ?? { visible: true, opacity: 1 };
}

/**
 * Builds the label colour table from the project's classes. Value 0 (background) is fully
 * transparent; every class is drawn in its own colour with the alpha of its display setting
 * (opaque by default; NiiVue multiplies the label overlay's opacity on top, per voxel).
 * A value no class claims shows in grey, so stray labels stay visible instead of vanishing; the
 * fill preview's value shows in its own colour.
 */
export function labelLut(classes: readonly LabelClass[], displays: ClassDisplays = {}): LabelLut {
  const lut = new Uint8ClampedArray(256 * 4);
  const labels: string[] = [];
  for (let v = 0; v < 256; v++) {
    lut.set(v === 0 ? [0, 0, 0, 0] : [160, 160, 160, 255], v * 4);
    labels.push(v === 0 ? 'Background' : `label ${v}`);
  }
  for (const c of classes) {
    if (!(c.value > 0 && c.value < 256)) continue;
    const display = classDisplay(displays, c.value);
    const alpha = display.visible ? Math.round(255 * Math.min(1, Math.max(0, display.opacity))) : 0;
    lut.set([...hexToRgb(c.color), alpha], c.value * 4);
    labels[c.value] = c.name;
  }
  lut.set([...hexToRgb(FILL_PREVIEW_COLOR), 255], FILL_PREVIEW_VALUE * 4);
  labels[FILL_PREVIEW_VALUE] = 'Fill preview';
  return { lut, labels };
}
