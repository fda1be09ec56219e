import type { SliceState } from '../../../shared/types.ts';
import type { KeyLike } from '../viewer/viewerKeys.ts';

export type Tool = 'navigate' | 'brush' | 'eraser' | 'fill';

export type AnnotationKeyAction =
  | { kind: 'tool'; tool: Tool }
  | { kind: 'brush-size'; delta: number }
  /** 0-based position in the class list (key 1 is the first class). */
  | { kind: 'class'; index: number }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'jump'; state: SliceState; direction: 1 | -1 }
  /** The current slice is done: `complete` confirms what it holds, `background` clears it first (one undoable edit). */
  | { kind: 'slice'; action: 'complete' | 'background' }
  /** A decision on the shown prediction of the current slice, or a jump to the next slice to review. */
  | { kind: 'review'; action: 'accept' | 'correct' | 'reject' | 'next' }
  /** Shows or hides an overlay of the prediction or of its uncertainty. */
  | { kind: 'overlay'; layer: 'prediction' | 'uncertainty' }
  | { kind: 'help' };

const REVIEW_KEYS: Record<string, 'accept' | 'correct' | 'reject' | 'next'> = { y: 'accept', t: 'correct', x: 'reject', u: 'next' };

const TOOL_KEYS: Record<string, Tool> = { v: 'navigate', b: 'brush', e: 'eraser', f: 'fill' };

/**
 * What a key does for annotation. Chosen not to collide with the viewer's keys (arrows, Page
 * Up/Down, A C S M R L) nor with NiiVue's own (H J K L, Ctrl+U/D).
 */
export function annotationKeyAction(e: KeyLike): AnnotationKeyAction | null {
  if (e.altKey) return null;
  const lower = e.key.toLowerCase();
  if (e.ctrlKey || e.metaKey) {
    if (lower === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
    if (lower === 'y' && !e.shiftKey) return { kind: 'redo' };
    return null;
  }
  if (e.key === '?') return { kind: 'help' };
  // Shift+[ arrives as "{" on US layouts: by key, not code, so other layouts get their own brackets
  if (e.key === '[' || e.key === '{') return { kind: 'brush-size', delta: e.shiftKey ? -5 : -1 };
  if (e.key === ']' || e.key === '}') return { kind: 'brush-size', delta: e.shiftKey ? 5 : 1 };
  if (e.key === '.' || e.key === '>') return { kind: 'jump', state: 'annotated', direction: 1 };
  if (e.key === ',' || e.key === '<') return { kind: 'jump', state: 'annotated', direction: -1 };
  if (lower === 'n') return { kind: 'jump', state: 'unknown', direction: e.shiftKey ? -1 : 1 };
  if (lower === 'p') return { kind: 'overlay', layer: e.shiftKey ? 'uncertainty' : 'prediction' };
  if (e.key === 'Enter' && !e.shiftKey) return { kind: 'slice', action: 'complete' };
  // Shift, so that a slip while reaching for B (brush) does not clear a slice
  if (lower === 'b' && e.shiftKey) return { kind: 'slice', action: 'background' };
  if (e.shiftKey) return null;
  if (REVIEW_KEYS[lower]) return { kind: 'review', action: REVIEW_KEYS[lower] };
  if (/^[1-9]$/.test(e.key)) return { kind: 'class', index: Number(e.key) - 1 };
  if (TOOL_KEYS[lower]) return { kind: 'tool', tool: TOOL_KEYS[lower] };
  return null;
}

/** Every shortcut of the app, grouped as the help overlay shows them. */
export const SHORTCUT_HELP: { group: string; items: { keys: string; does: string }[] }[] = [
  {
    group: 'Tools',
    items: [
      { keys: 'V', does: 'Navigate: click moves the crosshair' },
      { keys: 'B', does: 'Brush (round)' },
      { keys: 'E', does: 'Eraser' },
      { keys: 'F', does: 'Fill: click to preview, again to fill' },
      { keys: '[  ]', does: 'Brush size smaller / larger (with Shift: by 5)' },
      { keys: '1 – 9', does: 'Paint with the 1st … 9th class' },
    ],
  },
  {
    group: 'Edit',
    items: [
      { keys: 'Ctrl+Z', does: 'Undo' },
      { keys: 'Ctrl+Shift+Z  Ctrl+Y', does: 'Redo' },
      { keys: 'Enter', does: 'Slice complete: every structure is drawn' },
      { keys: 'Shift+B', does: 'Slice all background (clears it)' },
    ],
  },
  {
    group: 'Slices',
    items: [
      { keys: '↑ ↓', does: 'Next / previous slice (with Shift: 10 slices)' },
      { keys: 'PgUp PgDn', does: '10 slices up / down' },
      { keys: 'Mouse wheel', does: 'Next / previous slice under the mouse, as ↑ ↓' },
      { keys: '.  ,', does: 'Next / previous annotated slice' },
      { keys: 'N  Shift+N', does: 'Next / previous unannotated slice' },
    ],
  },
  {
    group: 'Review',
    items: [
      { keys: 'U', does: "Next slice to review (in the queue's order)" },
      { keys: 'Y', does: 'Accept the prediction of this slice' },
      { keys: 'T', does: 'Correct: take the prediction and paint over it' },
      { keys: 'X', does: 'Reject the prediction of this slice' },
      { keys: 'P  Shift+P', does: 'Show / hide the prediction, the uncertainty' },
    ],
  },
  {
    group: 'View',
    items: [
      { keys: 'M A C S R', does: 'Multiplanar, axial, coronal, sagittal, 3D' },
      { keys: 'L', does: 'Show / hide the labels' },
      { keys: 'Right-drag', does: 'Window from the dragged region' },
      { keys: '?', does: 'This help' },
    ],
  },
];
