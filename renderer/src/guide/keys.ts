import { annotationKeyAction, type AnnotationKeyAction } from '../annotation/shortcuts.ts';

/** Keys a shortcut may sit on: letters, digits, Enter and the punctuation the editor uses. */
const CANDIDATES = [...'abcdefghijklmnopqrstuvwxyz0123456789', 'Enter', '?', '[', ']', '.', ','];

/**
 * The key that does `wanted`, as the user would read it ("B", "Shift+B", "Enter"), found by asking
 * the editor's own key map (annotationKeyAction): the guide and the hints cannot name a key the
 * editor does not read.
 */
export function keyFor(wanted: AnnotationKeyAction): string {
  for (const shiftKey of [false, true]) {
    for (const key of CANDIDATES) {
      const typed = shiftKey && key.length === 1 ? key.toUpperCase() : key;
      const action = annotationKeyAction({ key: typed, shiftKey, ctrlKey: false, metaKey: false, altKey: false });
      if (action && sameAction(action, wanted)) {
        const label = key.length === 1 ? key.toUpperCase() : key;
        return shiftKey ? `Shift+${label}` : label;
      }
    }
  }
  throw new Error(`no key does ${JSON.stringify(wanted)}`);
}

function sameAction(a: AnnotationKeyAction, b: AnnotationKeyAction): boolean {
  const fields = Object.keys(a) as (keyof AnnotationKeyAction)[];
  return fields.length === Object.keys(b).length && fields.every((k) => a[k] === b[k]);
}
