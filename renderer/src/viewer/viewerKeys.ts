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

/**
 * What a key does in the viewer. ↑/→/PageUp go one slice up the plane's normal (superior,
 * anterior, right), ↓/←/PageDown one slice down; with Shift, ten slices. Letters switch views,
 * L shows or hides the labels. `keyPlane` is the plane the keys move (null in the 3D view, where
 * NiiVue's own arrow keys rotate the render).
 */
export function sliceKeyAction(e: KeyLike, ctx: { keyPlane: Plane | null; labelsShown: boolean }): ViewerKeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const step = e.shiftKey ? 10 : 1;
  if (ctx.keyPlane) {
    switch (e.key) {
      case 'ArrowUp':
      case 'ArrowRight':
      case 'PageUp':
        return { kind: 'slice', plane: ctx.keyPlane, delta: step };
      case 'ArrowDown':
      case 'ArrowLeft':
      case 'PageDown':
        return { kind: 'slice', plane: ctx.keyPlane, delta: -step };
    }
  }
  const lower = e.key.toLowerCase();
  if (!e.shiftKey && MODE_KEYS[lower]) return { kind: 'mode', mode: MODE_KEYS[lower] };
  if (!e.shiftKey && lower === 'l' && ctx.labelsShown) return { kind: 'toggle-labels' };
  return null;
}
