import type { DisplayConvention, DisplaySettings, Render3D } from '../../../shared/display.ts';
import { CONVENTION_CHOICES, RENDER_3D_OPTIONS } from './displaySettings.ts';

/** The orientation convention of the 2D views and what the 3D view renders. */
export function DisplayControls({ display, onChange }: { display: DisplaySettings; onChange(display: DisplaySettings): void }) {
  const convention = CONVENTION_CHOICES.find((c) => c.id === display.convention)!;
  const render3d = RENDER_3D_OPTIONS.find((c) => c.id === display.render3d)!;
  return (
    <div className="toolbar-group" role="group" aria-label="Display">
      <select
        className="preset-select"
        aria-label="Orientation convention"
        data-testid="display-convention"
        value={display.convention}
        title={convention.description}
        onChange={(e) => {
          onChange({ ...display, convention: e.target.value as DisplayConvention });
          // back to the page, so the view keys work at once (a focused select takes the arrows)
          e.target.blur();
        }}
      >
        {CONVENTION_CHOICES.map((c) => (
          <option key={c.id} value={c.id} title={c.description}>
            {c.label}
          </option>
        ))}
      </select>
      <span className="toolbar-group__label" title="What the 3D view renders">
        3D
      </span>
      <select
        className="preset-select"
        aria-label="3D view shows"
        data-testid="display-render3d"
        value={display.render3d}
        title={render3d.description}
        onChange={(e) => {
          onChange({ ...display, render3d: e.target.value as Render3D });
          e.target.blur();
        }}
      >
        {RENDER_3D_OPTIONS.map((c) => (
          <option key={c.id} value={c.id} title={c.description}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
  );
}
