import type { Axis, SliceState } from '../../../shared/types.ts';
import { SLICE_STATE_WORDS } from './sliceStateWords.ts';

interface SliceToolsProps {
  axis: Axis | null;
  slice: number | null;
  state: SliceState | null;
  interpolatedCount: number;
  onInterpolate(): void;
  onMarkComplete(): void;
  onMarkBackground(): void;
  onAccept(all: boolean): void;
  disabled: boolean;
}

/** Whole-slice actions on the current slice of the current plane's axis. */
export function SliceTools(props: SliceToolsProps) {
  const { axis, slice, state, interpolatedCount, onInterpolate, onAccept, disabled } = props;
  const off = disabled || axis === null || slice === null;
  return (
    <section className="side-section" aria-label="Slice" data-testid="slice-tools">
      <div className="side-section__header">
        <h3 className="panel-header__title">Slice</h3>
        <span className="slice-tools__where" data-testid="current-slice" data-state={state ?? 'unknown'}>
          {axis !== null && slice !== null ? `${axis} ${slice} · ${SLICE_STATE_WORDS[state ?? 'unknown']}` : '–'}
        </span>
      </div>
      {!off && state === 'painted' && (
        <p className="slice-tools__painted" data-testid="slice-painted-hint">
          Painted — press Enter when every structure on it is drawn. Until then it is not used for training: the model would learn every structure not painted
          here as background.
        </p>
      )}
      <div className="button-column">
        <div className="button-row">
          <button
            type="button"
            className="button button--small"
            data-testid="mark-complete"
            disabled={off || state === 'annotated'}
            title="Every structure on this slice is drawn: it becomes annotated, training data, and what is not painted on it counts as background (Enter)"
            onClick={props.onMarkComplete}
          >
            Mark slice complete (Enter)
          </button>
          <button
            type="button"
            className="button button--small"
            data-testid="mark-background"
            disabled={off}
            title="No structure on this slice: clear it and mark it annotated, one undoable edit (Shift+B)"
            onClick={props.onMarkBackground}
          >
            All background (Shift+B)
          </button>
        </div>
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
