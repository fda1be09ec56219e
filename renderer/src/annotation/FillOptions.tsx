import { FILL_PREVIEW_COLOR } from '../viewer/labelColormap.ts';
import { formatArea, formatIntensity } from './fillNumbers.ts';
import type { FillTool } from './useFillTool.ts';

/** Slider positions across the slice's range of tolerances. */
const TOLERANCE_STEPS = 500;

interface FillOptionsProps {
  fill: FillTool;
  /** The class the fill sets; null when there is none to fill with. */
  className: string | null;
  disabled: boolean;
}

/**
 * The Fill tool's options: the intensity tolerance (the slice's default until moved), and the
 * region previewed — its size, the intensities it takes — with Apply and Cancel.
 */
export function FillOptions({ fill, className, disabled }: FillOptionsProps) {
  const { preview, tolerance, spread, problem, committing } = fill;
  const shown = tolerance ?? preview?.tolerance ?? spread?.defaultTolerance ?? null;
  const max = spread?.maxTolerance ?? 0;
  return (
    <section className="side-section fill-options" aria-label="Fill" data-testid="fill-options">
      <label className="brush-size" title="How far from the clicked voxel's intensity the fill may go, in the scan's intensity units">
        <span className="toolbar-group__label">Tolerance ±</span>
        {spread && max > 0 ? (
          <input
            type="range"
            className="slider"
            min={0}
            max={max}
            step={max / TOLERANCE_STEPS}
            value={Math.min(max, shown ?? 0)}
            disabled={disabled}
            aria-label="Fill tolerance"
            aria-valuetext={shown === null ? 'default' : formatIntensity(shown)}
            data-testid="fill-tolerance"
            onChange={(e) => fill.setTolerance(Number(e.target.value))}
          />
        ) : (
          <span className="fill-options__note">a tenth of the slice's intensity range</span>
        )}
        <span className="toolbar-group__value" data-testid="fill-tolerance-value">
          {shown === null ? '' : formatIntensity(shown)}
        </span>
      </label>
      <div className="button-row">
        <button
          type="button"
          className="button button--small"
          data-testid="fill-tolerance-default"
          disabled={disabled || tolerance === null}
          title="Back to the default: a tenth of the clicked slice's intensity range (0.5–99.5 % of its non-zero voxels)"
          onClick={() => fill.setTolerance(null)}
        >
          Default tolerance
        </button>
      </div>
      {preview ? (
        <>
          <p
            className="fill-options__preview"
            data-testid="fill-preview"
            data-voxels={preview.voxels}
            data-axis={preview.axis}
            data-slice={preview.slice}
            data-seed={preview.seed.join(',')}
            data-tolerance={preview.tolerance}
          >
            <span className="fill-options__swatch" style={{ background: FILL_PREVIEW_COLOR }} aria-hidden="true" />
            Preview: {preview.voxels.toLocaleString('en-US')} voxel{preview.voxels === 1 ? '' : 's'} · {formatArea(preview.areaMm2)} · intensity{' '}
            {formatIntensity(preview.low)} to {formatIntensity(preview.high)}
          </p>
          <div className="button-row">
            <button
              type="button"
              className="button button--small button--primary"
              data-testid="fill-apply"
              disabled={disabled || committing}
              title="Fill the previewed region with the class, one undoable edit (click the preview, or Enter)"
              onClick={() => void fill.apply()}
            >
              Apply fill{className ? ` (${className})` : ''}
            </button>
            <button type="button" className="button button--small" data-testid="fill-cancel" title="Drop the preview (Esc)" onClick={fill.cancel}>
              Cancel
            </button>
          </div>
        </>
      ) : (
        <p className="fill-options__note" data-testid="fill-hint">
          {className
            ? 'Click a region to preview its fill: the connected voxels of similar intensity in the slice, never another class.'
            : 'Add a class to fill with.'}
        </p>
      )}
      {problem && (
        <p className="form-problem" role="status" data-testid="fill-problem">
          {problem}
        </p>
      )}
    </section>
  );
}
