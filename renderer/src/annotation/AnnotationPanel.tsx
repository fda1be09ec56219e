import { useState, type ReactNode } from 'react';
import { SaveIndicator } from './SaveIndicator.tsx';
import type { SaveStatus } from './useAnnotation.ts';

/** A tab beside the segment editor's. */
export interface PanelTab {
  id: string;
  title: string;
  content: ReactNode;
}

/**
 * The segment editor's side panel: a header with the autosave state above its sections, and
 * further tabs (Train, Review) beside it. Every tab stays mounted, so a hidden Train tab keeps
 * following its job and the editor keeps its state.
 */
export function AnnotationPanel({ save, tabs = [], children }: { save: SaveStatus | null; tabs?: PanelTab[]; children: ReactNode }) {
  const [tab, setTab] = useState('segment');
  const all: PanelTab[] = [{ id: 'segment', title: 'Segment', content: children }, ...tabs];
  return (
    <aside className="annotation-panel" aria-label="Annotation" data-testid="annotation-panel">
      <div className="panel-header">
        {tabs.length > 0 ? (
          <div className="panel-tabs" role="tablist">
            {all.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                aria-selected={tab === t.id}
                className={`panel-tabs__tab panel-header__title${tab === t.id ? ' panel-tabs__tab--on' : ''}`}
                data-testid={`tab-${t.id}`}
                onClick={() => setTab(t.id)}
              >
                {t.title}
              </button>
            ))}
          </div>
        ) : (
          <h2 className="panel-header__title">Segment editor</h2>
        )}
        {save && <SaveIndicator status={save} />}
      </div>
      {all.map((t) => (
        <div
          key={t.id}
          className="annotation-panel__body"
          role={tabs.length > 0 ? 'tabpanel' : undefined}
          hidden={tab !== t.id}
          data-testid={t.id === 'segment' ? undefined : `${t.id}-tab`}
        >
          {t.content}
        </div>
      ))}
    </aside>
  );
}
