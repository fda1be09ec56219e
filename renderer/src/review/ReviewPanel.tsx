import type { MethodSpec } from '../../../shared/methods.ts';
import type { Axis, ReviewRound, RunInfo } from '../../../shared/types.ts';
import { validationText } from '../../../shared/trainingFigures.ts';
import { COMPARISON_LEGEND } from './comparisonLut.ts';
import type { SliceDisplay } from './sliceDisplay.ts';
import type { ReviewAction } from './reviewDecisions.ts';
import type { ReviewState } from './useReview.ts';
import './review.css';

interface ReviewPanelProps {
  review: ReviewState;
  /** The scan shown. */
  scanId: string | null;
  methods: readonly MethodSpec[] | null;
  currentModelRunId: string | null;
  axis: Axis | null;
  slice: number | null;
  /** What the strip shows for the current slice. */
  display: SliceDisplay | null;
  onDecide(action: ReviewAction): void;
  /** The same decision on every slice of the axis still to review (neither annotated, painted nor decided). */
  onDecideScan(action: 'accept' | 'reject'): void;
  /** Slices of the axis still to review. */
  remaining: number;
  onNext(): void;
  onJump(slice: number): void;
  disabled: boolean;
}

const DECISION_WORDS: Partial<Record<SliceDisplay, string>> = {
  accepted: 'prediction accepted',
  corrected: 'prediction corrected',
  rejected: 'prediction rejected',
  predicted: 'to review',
  annotated: 'annotated by hand',
};

const formatDice = (d: number | null) => (d === null ? '– (both empty)' : d.toFixed(2));

/** A run as a menu entry: method and when; its figures are shown beside the menu, where they fit in full. */
export function runLabel(run: RunInfo, methods: readonly MethodSpec[] | null): string {
  const method = methods?.find((m) => m.name === run.method)?.label ?? run.method;
  // short date and time: the whole line must fit the side panel's select at 1280×720
  const when = new Date(run.createdAt).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
  return `${method} · ${when}`;
}

/**
 * The Review tab: which run's prediction the viewer shows and how (labels or uncertainty,
 * opacity), the decision on the current slice (accept, correct, reject), the queue of slices
 * to review, the most to gain first, and what each round of corrections bought.
 */
export function ReviewPanel({
  review,
  scanId,
  methods,
  currentModelRunId,
  axis,
  slice,
  display,
  onDecide,
  onDecideScan,
  remaining,
  onNext,
  onJump,
  disabled,
}: ReviewPanelProps) {
  const { runs, runId, layer, status, queue, predictedHere } = review;
  const selected = runs.find((r) => r.id === runId);
  const comparable = runs.filter((r) => r.id !== runId && scanId !== null && r.predicted.includes(scanId));
  const canDecide =
    !disabled && predictedHere && axis !== null && slice !== null && display !== 'annotated' && display !== 'accepted' && display !== 'corrected';
  const next = queue?.find((e) => e.slice !== slice) ?? null;
  return (
    <div className="review-panel" data-testid="review-panel">
      <section className="side-section" aria-label="Prediction">
        <div className="side-section__header">
          <h3 className="panel-header__title">Prediction</h3>
          <span className="review-panel__status" data-testid="overlay-status" data-status={status}>
            {status === 'loading'
              ? 'Loading…'
              : status === 'shown'
                ? layer === 'prediction'
                  ? 'prediction shown'
                  : layer === 'compare'
                    ? 'comparison shown'
                    : 'uncertainty shown'
                : ''}
          </span>
        </div>
        {runs.length === 0 ? (
          <p className="empty-note" data-testid="review-no-runs">
            Train a model to see its predictions here.
          </p>
        ) : (
          <>
            <label className="train-field">
              <span>Run</span>
              <select className="text-input" data-testid="review-run" value={runId ?? ''} disabled={disabled} onChange={(e) => review.setRunId(e.target.value)}>
                {runs.map((r) => (
                  <option key={r.id} value={r.id}>
                    {runLabel(r, methods)}
                  </option>
                ))}
              </select>
            </label>
            {selected && validationText(selected.valDice, selected.validation, 2) && (
              <p className="review-panel__figure" data-testid="review-run-figure">
                {validationText(selected.valDice, selected.validation, 2)}
              </p>
            )}
            <label className="train-field">
              <span>Compare</span>
              <select
                className="text-input"
                data-testid="review-compare"
                value={review.compareRunId ?? ''}
                disabled={disabled || comparable.length === 0}
                title="Show where another run's prediction of this scan agrees and differs"
                onChange={(e) => review.setCompareRunId(e.target.value || null)}
              >
                <option value="">{comparable.length ? 'with no other run' : 'no other run predicted this scan'}</option>
                {comparable.map((r) => (
                  <option key={r.id} value={r.id}>
                    {runLabel(r, methods)}
                  </option>
                ))}
              </select>
            </label>
            <div className="segmented review-panel__layers" role="group" aria-label="Overlay">
              {([null, 'prediction', 'uncertainty', ...(review.compareRunId ? (['compare'] as const) : [])] as const).map((l) => (
                <button
                  key={l ?? 'none'}
                  type="button"
                  className={`segmented__item${layer === l ? ' segmented__item--on' : ''}`}
                  aria-pressed={layer === l}
                  data-testid={`layer-${l ?? 'none'}`}
                  title={
                    l === 'prediction'
                      ? 'Predicted labels (P)'
                      : l === 'uncertainty'
                        ? 'Per-voxel uncertainty: entropy of the class probabilities (Shift+P)'
                        : 'No overlay'
                  }
                  disabled={disabled}
                  onClick={() => review.setLayer(l)}
                >
                  {l === null ? 'None' : l === 'prediction' ? 'Prediction' : l === 'uncertainty' ? 'Uncertainty' : 'Compare'}
                </button>
              ))}
            </div>
            {layer === 'compare' && review.comparison && (
              <div className="review-panel__comparison" data-testid="review-comparison">
                <ul className="comparison-legend">
                  {COMPARISON_LEGEND.map((c) => (
                    <li key={c.code}>
                      <span className="comparison-legend__swatch" style={{ background: `rgb(${c.rgb.join(',')})` }} />
                      {c.name}
                    </li>
                  ))}
                </ul>
                <p data-testid="review-agreement">
                  Dice of the two: {formatDice(review.comparison.dice)} over the scan
                  {axis !== null && slice !== null && ` · ${formatDice(review.comparison.sliceDice[axis][slice] ?? null)} on ${axis} ${slice}`}
                </p>
              </div>
            )}
            <label className="train-field">
              <span>Opacity</span>
              <input
                type="range"
                className="slider"
                min={0}
                max={100}
                value={Math.round(review.opacity * 100)}
                disabled={disabled || layer === null}
                data-testid="overlay-opacity"
                onChange={(e) => review.setOpacity(Number(e.target.value) / 100)}
              />
            </label>
            {selected && predictedHere && (
              <p className="review-panel__provenance" data-testid="review-provenance">
                {selected.predictedIteration === null
                  ? `Predicted by the ${selected.status === 'finished' ? 'final' : 'saved'} model${selected.id === currentModelRunId ? ' (current model)' : ''}.`
                  : `Predicted by the model at iteration ${selected.predictedIteration}${selected.status === 'running' ? ', training goes on' : ''}.`}
              </p>
            )}
            {status === 'not-predicted' && (
              <div className="review-panel__missing" data-testid="review-not-predicted">
                <p className="empty-note">This run has not predicted this scan.</p>
                <button
                  type="button"
                  className="button button--small"
                  data-testid="review-predict"
                  disabled={disabled || review.predicting}
                  onClick={() => void review.predictScan()}
                >
                  {review.predicting ? 'Predicting…' : 'Predict this scan'}
                </button>
              </div>
            )}
          </>
        )}
      </section>

      <section className="side-section" aria-label="Review this slice" data-testid="review-slice">
        <div className="side-section__header">
          <h3 className="panel-header__title">This slice</h3>
          <span className="slice-tools__where" data-testid="review-where" data-display={display ?? ''}>
            {axis !== null && slice !== null ? `${axis} ${slice} · ${DECISION_WORDS[display ?? 'unknown'] ?? display}` : '–'}
          </span>
        </div>
        <div className="button-row">
          {(['accept', 'correct', 'reject'] as const).map((action) => (
            <button
              key={action}
              type="button"
              className={`button button--small${action === 'accept' ? ' button--primary' : ''}`}
              data-testid={`review-${action}`}
              disabled={!canDecide || (action === 'reject' && display === 'rejected')}
              title={
                action === 'accept'
                  ? `The prediction becomes this slice's annotation${display === 'painted' ? ', replacing your painting on it (Ctrl+Z takes it back)' : ''} (Y)`
                  : action === 'correct'
                    ? `Take the prediction${display === 'painted' ? ' in place of your painting' : ''} and paint over it with the brush (T)`
                    : "The prediction is wrong: the slice stays unannotated and is left out of the next training's unlabelled data (X)"
              }
              onClick={() => onDecide(action)}
            >
              {action === 'accept' ? 'Accept' : action === 'correct' ? 'Correct' : 'Reject'}
            </button>
          ))}
        </div>
        <div className="button-row review-panel__scan">
          {(['accept', 'reject'] as const).map((action) => (
            <button
              key={action}
              type="button"
              className="button button--small"
              data-testid={`review-${action}-scan`}
              disabled={disabled || !predictedHere || axis === null || remaining === 0}
              title={`${action === 'accept' ? 'Accept' : 'Reject'} the prediction of every ${axis ?? ''} slice of this scan not yet annotated, painted or decided, as one undoable edit`}
              onClick={() => onDecideScan(action)}
            >
              {action === 'accept' ? 'Accept' : 'Reject'} the other {remaining}
            </button>
          ))}
        </div>
      </section>

      <section className="side-section" aria-label="Review queue" data-testid="review-queue">
        <div className="side-section__header">
          <h3 className="panel-header__title">
            To review{' '}
            <span className="count" data-testid="review-queue-count">
              {queue?.length ?? 0}
            </span>
          </h3>
          <button
            type="button"
            className="button button--small"
            data-testid="review-next"
            disabled={disabled || !next}
            title="U: the next proposed slice, the one whose annotation should teach the next model most"
            onClick={onNext}
          >
            Next proposed
          </button>
        </div>
        <label
          className="toggle review-panel__near-empty"
          title="Also propose slices with little or no predicted structure (under 5 % of the scan's fullest slice), such as the tip of a structure"
        >
          <input
            type="checkbox"
            data-testid="review-include-near-empty"
            checked={review.includeNearEmpty}
            disabled={disabled}
            onChange={(e) => review.setIncludeNearEmpty(e.target.checked)}
          />
          Include near-empty slices
        </label>
        {queue && queue.length === 0 && !review.includeNearEmpty && (
          <p className="empty-note" data-testid="review-queue-near-empty-note">
            No slice with predicted structure is left to review; near-empty slices are hidden.
          </p>
        )}
        {queue && queue.length > 0 && (
          <ol className="review-queue">
            {queue.slice(0, 8).map((e) => (
              <li key={e.slice}>
                <button
                  type="button"
                  className="review-queue__item"
                  data-testid="review-queue-item"
                  data-slice={e.slice}
                  title={`Why proposed: ${e.reason}`}
                  onClick={() => onJump(e.slice)}
                >
                  <span className="review-queue__line">
                    <span>
                      {e.axis} {e.slice}
                    </span>
                    <span className="review-queue__score" title="expected gain: uncertainty and predicted structure, discounted near annotated slices">
                      {e.gain.toFixed(2)}
                    </span>
                  </span>
                  <span className="review-queue__reason" data-testid="review-queue-reason">
                    {e.reason}
                  </span>
                </button>
              </li>
            ))}
          </ol>
        )}
      </section>

      <RoundsSection rounds={review.rounds} methods={methods} />
    </div>
  );
}

/**
 * Per round: the slices the model learnt from, and its Dice on the slices annotated after it
 * (which it never saw): how the clinician's corrections pay off.
 */
function RoundsSection({ rounds, methods }: { rounds: ReviewRound[] | null; methods: readonly MethodSpec[] | null }) {
  if (!rounds || rounds.length === 0) return null;
  return (
    <section className="side-section" aria-label="Rounds" data-testid="review-rounds">
      <div className="side-section__header">
        <h3
          className="panel-header__title"
          title="Each model's Dice on the slices annotated after it: slices it never saw, so an honest estimate of its accuracy"
        >
          Rounds
        </h3>
      </div>
      <table className="review-rounds">
        <thead>
          <tr>
            <th>Model</th>
            <th title="annotated slices it learnt from">learnt from</th>
            <th title="Dice of its prediction on the slices annotated after it">on the next corrections</th>
          </tr>
        </thead>
        <tbody>
          {rounds.map((r, n) => (
            <tr key={r.runId} data-testid="review-round" data-run-id={r.runId}>
              <td title={new Date(r.createdAt).toLocaleString()}>
                {n + 1}. {methods?.find((m) => m.name === r.method)?.label ?? r.method}
              </td>
              <td>{r.annotatedSlices} slices</td>
              <td data-testid="review-round-dice">
                {r.laterSlices === 0
                  ? '– (none yet)'
                  : `Dice ${r.diceOnLater === null ? '–' : r.diceOnLater.toFixed(2)} on ${r.laterSlices} slice${r.laterSlices === 1 ? '' : 's'}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
