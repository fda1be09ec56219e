import { useEffect, useRef } from 'react';
import { fieldTakesKey } from '../app/keyTargets.ts';
import { annotationKeyAction, type AnnotationKeyAction } from './shortcuts.ts';

/**
 * Annotation shortcuts work wherever the focus is, except while typing in a field or while a
 * dialog is open. Handled keys stop here, before NiiVue's own key listeners see them; a key
 * whose action `onAction` declines (returns false) goes on as if it were no shortcut (Enter
 * then presses the focused button).
 */
export function useAnnotationKeys(onAction: (action: AnnotationKeyAction) => boolean | void, enabled: boolean): void {
  const handler = useRef(onAction);
  handler.current = onAction;
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || fieldTakesKey(e.target, e.key) || document.querySelector('dialog[open]')) return;
      const action = annotationKeyAction(e);
      if (!action || handler.current(action) === false) return;
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [enabled]);
}
