import type { Axis } from '../../../shared/types.ts';
import type { SliceDisplay } from '../review/sliceDisplay.ts';
import { SLICE_STATE_WORDS } from './sliceStateWords.ts';

interface SliceStateStripProps {
  axis: Axis;
  states: readonly SliceDisplay[];
  current: number | null;
  onJump(slice: number): void;
}

const STATE_NAMES: Record<SliceDisplay, string> = {
  ...SLICE_STATE_WORDS,
  accepted: 'prediction accepted',
  corrected: 'prediction corrected',
  rejected: 'prediction rejected',
};

const COUNTED: SliceDisplay[] = ['interpolated', 'predicted', 'accepted', 'corrected', 'rejected'];

/**
 * One cell per slice along the current plane's axis, coloured by its annotation state, lowest
 * slice on the left; a click goes to that slice. Keys do the same from anywhere (. , N). Painted
 * slices are counted apart: they are not training data until confirmed.
 */
export function SliceStateStrip({ axis, states, current, onJump }: SliceStateStripProps) {
  const counts = states.reduce<Record<string, number>>((n, s) => ((n[s] = (n[s] ?? 0) + 1), n), {});
  return (
    <div className="slice-strip" data-testid="slice-strip" data-axis={axis}>
      <span className="slice-strip__label" title={`Slices along the stored axis ${axis}`}>
        {axis} slices
      </span>
      <div
        className="slice-strip__cells"
        role="group"
        aria-label={`Annotation state of each ${axis} slice`}
        onClick={(e) => {
          const slice = (e.target as HTMLElement).dataset.slice;
          if (slice !== undefined) onJump(Number(slice));
        }}
      >
        {states.map((s, n) => (
          <div
            key={n}
            className={`slice-cell slice-cell--${s}${n === current ? ' slice-cell--current' : ''}`}
            data-testid="slice-cell"
            data-slice={n}
            data-state={s}
            title={`${axis} ${n}: ${STATE_NAMES[s]}`}
          />
        ))}
      </div>
      <span className="slice-strip__counts" data-testid="slice-strip-counts">
        {(counts.annotated ?? 0) + (counts.accepted ?? 0) + (counts.corrected ?? 0)} annotated
        {(counts.painted ?? 0) > 0 && (
          <span className="slice-strip__painted" data-testid="slice-strip-painted" title="Painted slices are not training data until marked complete (Enter)">
            {` · ${counts.painted} painted, not confirmed`}
          </span>
        )}
        {COUNTED.filter((s) => counts[s])
          .map((s) => ` · ${counts[s]} ${s}`)
          .join('')}
      </span>
    </div>
  );
}
