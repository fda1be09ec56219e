import { useEffect, useState } from 'react';
import { formatIntensity } from '../scans/scanFormat.ts';
import type { WindowRange } from './viewTypes.ts';

interface WindowLevelProps {
  window: WindowRange | null;
  /** Smallest and largest intensity in the scan, shown as a hint. */
  dataRange: WindowRange | null;
  onChange(range: WindowRange): void;
  onReset(): void;
}

/**
 * Numeric window (min/max intensity). Typing applies on Enter or when the field is left; an
 * impossible window (min ≥ max, not a number) is shown as invalid and not applied.
 */
export function WindowLevelControls({ window, dataRange, onChange, onReset }: WindowLevelProps) {
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

  return (
    <div
      className="toolbar-group"
      role="group"
      aria-label="Window"
      title={dataRange ? `Scan intensities: ${formatIntensity(dataRange.min)} to ${formatIntensity(dataRange.max)}` : undefined}
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
      <button
        type="button"
        className="button button--small"
        data-testid="window-reset"
        disabled={disabled}
        onClick={onReset}
        title="Back to the automatic window (2–98% of intensities)"
      >
        Reset
      </button>
    </div>
  );
}
