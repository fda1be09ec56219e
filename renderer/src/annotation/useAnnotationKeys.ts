import { useEffect, useRef } from 'react';
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
      if (e.defaultPrevented || isTyping(e.target) || document.querySelector('dialog[open]')) return;
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

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'range', 'button', 'color', 'file'].includes(target.type);
}
