import type { ReactNode } from 'react';

/** A tab of the side panel. */
export interface PanelTab {
  id: string;
  title: string;
  content: ReactNode;
  /** The tab body's data-testid. */
  testId?: string;
}

/**
 * The panel beside the viewer: tabs with a status beside them (the autosave state) and a line
 * under them (the next step). Which tab is open is the caller's, since it decides more than what
 * the panel shows (painting tools act only while Segment is open). Every tab stays mounted, so a hidden Train tab keeps following its job
 * and the editor keeps its state.
 */
export function SidePanel({ tabs, tab, onTab, status, hint }: { tabs: PanelTab[]; tab: string; onTab(id: string): void; status: ReactNode; hint?: ReactNode }) {
  return (
    <aside className="annotation-panel" aria-label="Annotation" data-testid="annotation-panel">
      <div className="panel-header">
        <div className="panel-tabs" role="tablist">
          {tabs.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={tab === t.id}
              className={`panel-tabs__tab panel-header__title${tab === t.id ? ' panel-tabs__tab--on' : ''}`}
              data-testid={`tab-${t.id}`}
              onClick={() => onTab(t.id)}
            >
              {t.title}
            </button>
          ))}
        </div>
        {status}
      </div>
      {hint}
      {tabs.map((t) => (
        <div key={t.id} className="annotation-panel__body" role="tabpanel" hidden={tab !== t.id} data-testid={t.testId}>
          {t.content}
        </div>
      ))}
    </aside>
  );
}
