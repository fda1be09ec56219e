import { useEffect, useState } from 'react';
import { formatIntensity } from '../scans/scanFormat.ts';
import type { IntensityInfo, WindowRange } from './viewTypes.ts';
import { presetOf, presetsFor } from './windowPresets.ts';

interface WindowLevelProps {
  window: WindowRange | null;
  /** The scan's intensities: the range shown as a hint, and what the presets are parts of. */
  intensity: IntensityInfo | null;
  onChange(range: WindowRange): void;
  onReset(): void;
}

/**
 * Numeric window (min/max intensity) and presets. Typing applies on Enter or when the field is
 * left; an impossible window (min ≥ max, not a number) is shown as invalid and not applied.
 */
export function WindowLevelControls({ window, intensity, onChange, onReset }: WindowLevelProps) {
  const [minText, setMinText] = useState('');
  const [maxText, setMaxText] = useState('');

  useEffect(() => {
    setMinText(window ? formatIntensity(window.min) : '');
    setMaxText(window ? formatIntensity(window.max) : '');
  }, [window?.min, window?.max]); // eslint-disable-line react-hooks/exhaustive-deps

  const min = Number(minText);
  const max = Number(maxText);
  const valid = minText.trim() !== '' && maxText.trim() !== '' && Number.isFinite(min) && Number.isFinite(max) && min < max;
  const apply = () => {
    if (!window) return;
    if (valid) onChange({ min, max });
  };
  const disabled = window === null;
  const preset = window && intensity ? presetOf(window, intensity) : null;
  const presets = intensity ? presetsFor(intensity) : [];

  return (
    <div
      className="toolbar-group"
      role="group"
      aria-label="Window"
      title={intensity ? `Scan intensities: ${formatIntensity(intensity.dataMin)} to ${formatIntensity(intensity.dataMax)}` : undefined}
    >
      <span className="toolbar-group__label" title="Intensity window; right-drag on a view also changes it">
        Window
      </span>
      <input
        className={valid || disabled ? 'num-input' : 'num-input num-input--invalid'}
        type="text"
        inputMode="decimal"
        aria-label="Window minimum"
        aria-invalid={!valid && !disabled}
        data-testid="window-min"
        value={minText}
        disabled={disabled}
        onChange={(e) => setMinText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => e.key === 'Enter' && apply()}
      />
      <span className="toolbar-group__dash">–</span>
      <input
        className={valid || disabled ? 'num-input' : 'num-input num-input--invalid'}
        type="text"
        inputMode="decimal"
        aria-label="Window maximum"
        aria-invalid={!valid && !disabled}
        data-testid="window-max"
        value={maxText}
        disabled={disabled}
        onChange={(e) => setMaxText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => e.key === 'Enter' && apply()}
      />
      <select
        className="preset-select"
        aria-label="Window preset"
        data-testid="window-preset"
        disabled={disabled || !intensity}
        value={preset?.id ?? ''}
        title={preset?.description ?? 'A window of your own; pick a preset'}
        onChange={(e) => {
          const chosen = presets.find((p) => p.id === e.target.value);
          if (chosen && intensity) onChange(chosen.range(intensity));
          // back to the page, so the view keys work at once (a focused select would take the arrows)
          e.target.blur();
        }}
      >
        <option value="" disabled>
          Custom
        </option>
        {presets.map((p) => (
          <option key={p.id} value={p.id} title={p.description}>
            {p.label}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button button--small"
        data-testid="window-reset"
        disabled={disabled}
        onClick={onReset}
        title="Back to the automatic window (0.5–99.5 % of the non-zero intensities)"
      >
        Reset
      </button>
    </div>
  );
}
