import { useState, type ReactNode } from 'react';
import { SaveIndicator } from './SaveIndicator.tsx';
import type { SaveStatus } from './useAnnotation.ts';

/**
 * The segment editor's side panel: a header with the autosave state above its sections, and a
 * Train tab beside it when `train` is given. Both tabs stay mounted, so a hidden Train tab
 * keeps following its job and the editor keeps its state.
 */
export function AnnotationPanel({ save, train, children }: { save: SaveStatus | null; train?: ReactNode; children: ReactNode }) {
  const [tab, setTab] = useState<'segment' | 'train'>('segment');
  return (
    <aside className="annotation-panel" aria-label="Annotation" data-testid="annotation-panel">
      <div className="panel-header">
        {train ? (
          <div className="panel-tabs" role="tablist">
            {(['segment', 'train'] as const).map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={tab === t}
                className={`panel-tabs__tab panel-header__title${tab === t ? ' panel-tabs__tab--on' : ''}`}
                data-testid={`tab-${t}`}
                onClick={() => setTab(t)}
              >
                {t === 'segment' ? 'Segment editor' : 'Train'}
              </button>
            ))}
          </div>
        ) : (
          <h2 className="panel-header__title">Segment editor</h2>
        )}
        {save && <SaveIndicator status={save} />}
      </div>
      <div className="annotation-panel__body" role={train ? 'tabpanel' : undefined} hidden={tab !== 'segment'}>
        {children}
      </div>
      {train && (
        <div className="annotation-panel__body" role="tabpanel" hidden={tab !== 'train'} data-testid="train-tab">
          {train}
        </div>
      )}
    </aside>
  );
}
