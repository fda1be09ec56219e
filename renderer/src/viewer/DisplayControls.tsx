import type { DisplaySettings } from '../../../shared/display.ts';
import { CONVENTION_CHOICES, RENDER_3D_OPTIONS, type DescribedChoice } from './displaySettings.ts';

/** The orientation convention of the 2D views and what the 3D view renders. */
export function DisplayControls({ display, onChange }: { display: DisplaySettings; onChange(display: DisplaySettings): void }) {
  return (
    <div className="toolbar-group" role="group" aria-label="Display">
      <ChoiceSelect
        label="Orientation convention"
        testId="display-convention"
        choices={CONVENTION_CHOICES}
        value={display.convention}
        onChange={(convention) => onChange({ ...display, convention })}
      />
      <span className="toolbar-group__label" title="What the 3D view renders">
        3D
      </span>
      <ChoiceSelect
        label="3D view shows"
        testId="display-render3d"
        choices={RENDER_3D_OPTIONS}
        value={display.render3d}
        onChange={(render3d) => onChange({ ...display, render3d })}
      />
    </div>
  );
}

interface ChoiceSelectProps<T extends string> {
  label: string;
  testId: string;
  choices: readonly DescribedChoice<T>[];
  value: T;
  onChange(value: T): void;
}

/** A select of described choices, the chosen one's description as its tooltip. */
function ChoiceSelect<T extends string>({ label, testId, choices, value, onChange }: ChoiceSelectProps<T>) {
  return (
    <select
      className="preset-select"
      aria-label={label}
      data-testid={testId}
      value={value}
      title={choices.find((c) => c.id === value)?.description}
      onChange={(e) => {
        onChange(e.target.value as T);
        // back to the page, so the view keys work at once (a focused select takes the arrows)
        e.target.blur();
      }}
    >
      {choices.map((c) => (
        <option key={c.id} value={c.id} title={c.description}>
          {c.label}
        </option>
      ))}
    </select>
  );
}
