import { useRef, type KeyboardEvent } from 'react';
import type { ScanInfo } from '../../../shared/types.ts';
import { formatAnnotated, formatShape, formatSpacing } from './scanFormat.ts';
import type { PendingImport } from './useImports.ts';
import './scans.css';

interface ScanListProps {
  scans: ScanInfo[];
  selectedId: string | null;
  pending: PendingImport[];
  onSelect(id: string): void;
  onImport(): void;
  disabled: boolean;
}

/** The project's scans: a keyboard-navigable list (↑/↓, Home/End) with each scan's geometry at a glance. */
export function ScanList({ scans, selectedId, pending, onSelect, onImport, disabled }: ScanListProps) {
  const listRef = useRef<HTMLUListElement>(null);

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    if (scans.length === 0) return;
    const at = Math.max(
      0,
      scans.findIndex((v) => v.id === selectedId),
    );
    const next =
      e.key === 'ArrowDown'
        ? Math.min(scans.length - 1, at + 1)
        : e.key === 'ArrowUp'
          ? Math.max(0, at - 1)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? scans.length - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    onSelect(scans[next].id);
    listRef.current?.querySelectorAll<HTMLElement>('[role=option]')[next]?.focus();
  };

  return (
    <aside className="scan-panel" aria-label="Scans" data-testid="scan-panel">
      <div className="panel-header">
        <h2 className="panel-header__title">
          Scans{' '}
          <span className="count" data-testid="scan-count">
            {scans.length}
          </span>
        </h2>
        <button type="button" className="button button--primary" data-testid="import-button" onClick={onImport} disabled={disabled}>
          Import…
        </button>
      </div>
      {scans.length === 0 && pending.length === 0 ? (
        <p className="empty-note">No scans yet. Import a NIfTI file (.nii, .nii.gz), or drop one anywhere on the window.</p>
      ) : null}
      <ul ref={listRef} className="scan-list" role="listbox" aria-label="Scans in this project" data-testid="scan-list" onKeyDown={onKeyDown}>
        {scans.map((v, n) => (
          <ScanListItem
            key={v.id}
            scan={v}
            selected={v.id === selectedId}
            // one item is reachable with Tab (the selected one, else the first); arrows move from there
            tabbable={selectedId === null || !scans.some((x) => x.id === selectedId) ? n === 0 : v.id === selectedId}
            onSelect={() => onSelect(v.id)}
          />
        ))}
      </ul>
      {pending.length > 0 && (
        <ul className="pending-list" aria-live="polite">
          {pending.map((p) => (
            <li key={p.key} className="pending-item" data-testid="import-pending">
              <span className="spinner" aria-hidden="true" />
              <span className="pending-item__label">
                {p.stage === 'waiting' ? 'Waiting to import' : p.stage === 'reading' ? 'Reading' : 'Importing'} {p.label}…
              </span>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

function ScanListItem(props: { scan: ScanInfo; selected: boolean; tabbable: boolean; onSelect(): void }) {
  const { scan: v, selected, tabbable, onSelect } = props;
  return (
    <li
      role="option"
      aria-selected={selected}
      tabIndex={tabbable ? 0 : -1}
      className={selected ? 'scan-item scan-item--selected' : 'scan-item'}
      data-testid="scan-item"
      data-scan-id={v.id}
      onClick={onSelect}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect();
        }
      }}
    >
      <div className="scan-item__top">
        <span className="scan-item__name" data-testid="scan-name" title={v.name}>
          {v.name}
        </span>
        {v.hasLabels && (
          <span className="badge badge--labels" data-testid="scan-labels-badge" title="This scan has a label map">
            Labels
          </span>
        )}
      </div>
      <dl className="scan-item__facts">
        <dt>Shape</dt>
        <dd data-testid="scan-shape">{formatShape(v.shape)}</dd>
        <dt>Spacing</dt>
        <dd data-testid="scan-spacing">{formatSpacing(v.spacing)}</dd>
        <dt>Orient.</dt>
        <dd>
          <span data-testid="scan-orientation" title="Voxel axes i, j, k point towards these world directions">
            {v.orientation}
          </span>
          <span className="sep">·</span>
          <span data-testid="scan-datatype">{v.datatype}</span>
        </dd>
        {v.hasLabels && (
          <>
            <dt>Annotated</dt>
            <dd data-testid="scan-annotated" title="Annotated slices along each voxel axis">
              {formatAnnotated(v.annotatedSlices)}
            </dd>
          </>
        )}
      </dl>
    </li>
  );
}
