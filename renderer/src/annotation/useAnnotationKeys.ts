import { useEffect, useRef } from 'react';
import { fieldTakesKey } from '../app/keyTargets.ts';
import { annotationKeyAction, type AnnotationKeyAction } from './shortcuts.ts';

/**
 * Annotation shortcuts work wherever the focus is, except while typing in a field or while a
 * dialog is open. Handled keys stop here, before NiiVue's own key listeners see them.
 */
export function useAnnotationKeys(onAction: (action: AnnotationKeyAction) => void, enabled: boolean): void {
  const handler = useRef(onAction);
  handler.current = onAction;
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || fieldTakesKey(e.target, e.key) || document.querySelector('dialog[open]')) return;
      const action = annotationKeyAction(e);
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      handler.current(action);
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [enabled]);
}
