import type { Plane, ViewMode } from './viewTypes.ts';

export type ViewerKeyAction = { kind: 'slice'; plane: Plane; delta: number } | { kind: 'mode'; mode: ViewMode } | { kind: 'toggle-labels' };

/** The parts of a KeyboardEvent the key maps read (a plain object in tests). */
export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

const MODE_KEYS: Record<string, ViewMode> = { m: 'multiplanar', a: 'axial', c: 'coronal', s: 'sagittal', r: 'render' };

/** Slices one Page Up or Page Down moves (and Shift with an arrow). */
export const PAGE_SLICES = 10;

/**
 * What a key does in the viewer. ↑/→ go one slice up the plane's normal (superior, anterior,
 * right), ↓/← one slice down, Page Up/Down and Shift with an arrow ten; the wheel goes the same
 * way (see wheelSliceDelta). Letters switch views, L shows or hides the labels. `keyPlane` is
 * the plane the keys move (null in the 3D view, where NiiVue's own arrow keys rotate the render).
 */
export function sliceKeyAction(e: KeyLike, ctx: { keyPlane: Plane | null; labelsShown: boolean }): ViewerKeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const step = e.shiftKey ? PAGE_SLICES : 1;
  if (ctx.keyPlane) {
    switch (e.key) {
      case 'ArrowUp':
      case 'ArrowRight':
        return { kind: 'slice', plane: ctx.keyPlane, delta: step };
      case 'ArrowDown':
      case 'ArrowLeft':
        return { kind: 'slice', plane: ctx.keyPlane, delta: -step };
      case 'PageUp':
        return { kind: 'slice', plane: ctx.keyPlane, delta: PAGE_SLICES };
      case 'PageDown':
        return { kind: 'slice', plane: ctx.keyPlane, delta: -PAGE_SLICES };
    }
  }
  const lower = e.key.toLowerCase();
  if (!e.shiftKey && MODE_KEYS[lower]) return { kind: 'mode', mode: MODE_KEYS[lower] };
  if (!e.shiftKey && lower === 'l' && ctx.labelsShown) return { kind: 'toggle-labels' };
  return null;
}

/**
 * Slices one wheel event moves: turning the wheel away from you (deltaY < 0) goes up the plane's
 * normal like ↑, towards you down like ↓; one slice a notch (a touchpad's many small events move
 * faster, as NiiVue's own wheel did). 0 with Ctrl, which the browser keeps for zooming the page.
 */
export function wheelSliceDelta(e: { deltaY: number; ctrlKey: boolean }): number {
  if (e.ctrlKey || e.deltaY === 0) return 0;
  return e.deltaY < 0 ? 1 : -1;
}
