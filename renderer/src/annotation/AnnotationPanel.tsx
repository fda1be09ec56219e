import type { ReactNode } from 'react';
import { SaveIndicator } from './SaveIndicator.tsx';
import type { SaveStatus } from './useAnnotation.ts';

/** The segment editor's side panel: a header with the autosave state above its sections. */
export function AnnotationPanel({ save, children }: { save: SaveStatus | null; children: ReactNode }) {
  return (
    <aside className="annotation-panel" aria-label="Annotation" data-testid="annotation-panel">
      <div className="panel-header">
        <h2 className="panel-header__title">Segment editor</h2>
        {save && <SaveIndicator status={save} />}
      </div>
      <div className="annotation-panel__body">{children}</div>
    </aside>
  );
}
