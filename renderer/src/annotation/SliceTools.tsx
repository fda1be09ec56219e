import type { Axis, SliceState } from '../../../shared/types.ts';

interface SliceToolsProps {
  axis: Axis | null;
  slice: number | null;
  state: SliceState | null;
  interpolatedCount: number;
  onInterpolate(): void;
  onMarkReviewed(): void;
  onAccept(all: boolean): void;
  disabled: boolean;
}

/** Whole-slice actions on the current slice of the current plane's axis. */
export function SliceTools({ axis, slice, state, interpolatedCount, onInterpolate, onMarkReviewed, onAccept, disabled }: SliceToolsProps) {
  const off = disabled || axis === null || slice === null;
  return (
    <section className="side-section" aria-label="Slice" data-testid="slice-tools">
      <div className="side-section__header">
        <h3 className="panel-header__title">Slice</h3>
        <span className="slice-tools__where" data-testid="current-slice">
          {axis !== null && slice !== null ? `${axis} ${slice} · ${state ?? 'unknown'}` : '–'}
        </span>
      </div>
      <div className="button-column">
        <button
          type="button"
          className="button button--small"
          data-testid="interpolate"
          disabled={off}
          title="Fill the slices between the nearest annotated slices below and above; they stay 'interpolated' until accepted"
          onClick={onInterpolate}
        >
          Interpolate between annotated slices
        </button>
        <button
          type="button"
          className="button button--small"
          data-testid="mark-reviewed"
          disabled={off || state === 'annotated'}
          title="This slice is done as it is (e.g. background only)"
          onClick={onMarkReviewed}
        >
          Mark slice reviewed
        </button>
        <div className="button-row">
          <button
            type="button"
            className="button button--small"
            data-testid="accept-slice"
            disabled={off || state !== 'interpolated'}
            title="Take this interpolated slice as annotated"
            onClick={() => onAccept(false)}
          >
            Accept slice
          </button>
          <button
            type="button"
            className="button button--small"
            data-testid="accept-all"
            disabled={off || interpolatedCount === 0}
            title="Take every interpolated slice of this axis as annotated"
            onClick={() => onAccept(true)}
          >
            Accept all ({interpolatedCount})
          </button>
        </div>
      </div>
    </section>
  );
}
