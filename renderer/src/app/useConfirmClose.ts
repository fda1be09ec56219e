import { useEffect } from 'react';

/**
 * While `active`, closing or reloading the window asks first: the browser shows its own
 * "leave this page?" prompt, the desktop shell its dialog (main/electron/main.ts,
 * will-prevent-unload).
 */
export function useConfirmClose(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Chromium still wants returnValue set to show its prompt
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [active]);
}
