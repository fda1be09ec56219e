import { VIEW_MODES, type ViewMode } from './viewTypes.ts';

/** Segmented control for the layout: all four views, one plane, or the 3D render. */
export function ViewModeSwitch({ mode, onChange }: { mode: ViewMode; onChange(mode: ViewMode): void }) {
  return (
    <div className="segmented" role="radiogroup" aria-label="View" data-testid="view-mode">
      {VIEW_MODES.map((m) => (
        <button
          key={m.mode}
          type="button"
          role="radio"
          aria-checked={mode === m.mode}
          className={mode === m.mode ? 'segmented__item segmented__item--on' : 'segmented__item'}
          title={`${m.label} (${m.hotkey})`}
          data-testid={`view-${m.mode}`}
          onClick={() => onChange(m.mode)}
        >
          {m.label}
        </button>
      ))}
    </div>
  );
}
