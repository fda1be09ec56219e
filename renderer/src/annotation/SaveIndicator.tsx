import type { SaveStatus } from './useAnnotation.ts';

/** Autosave state: every edit is stored by the server as it is made. */
export function SaveIndicator({ status }: { status: SaveStatus }) {
  const text = status.kind === 'saved' ? 'Saved' : status.kind === 'saving' ? 'Saving…' : `Not saved: ${status.message}`;
  return (
    <span className={`save-indicator save-indicator--${status.kind}`} role="status" data-testid="save-status" data-state={status.kind} title={text}>
      {text}
    </span>
  );
}
