import type { JobProgressEvent } from '../../../shared/types.ts';
import { formatEta } from './formatTime.ts';
import { LossChart, type ChartLine } from './LossChart.tsx';
import { reportedCurves, type ProgressSeries } from './progressSeries.ts';
import { FIGURES_HELP, validationName } from '../../../shared/trainingFigures.ts';

const LOSS_LINES: ChartLine[] = [
  { curve: 'supervised', label: 'supervised', color: '#4ea3f1', scale: 'loss' },
  { curve: 'unsupervised', label: 'unsupervised', color: '#f0a35e', scale: 'loss' },
];
const RAMP_LINES: ChartLine[] = [
  { curve: 'valDice', label: 'validation Dice', color: '#5cc48b', scale: 'dice' },
  { curve: 'confident', label: 'confident share of its structure (unannotated)', color: '#e6c84e', scale: 'dice' },
  { curve: 'agreement', label: 'networks agree (unannotated)', color: '#4ecbe6', scale: 'dice' },
  { curve: 'weight', label: 'weight', color: '#c084fc', scale: 'weight' },
];

/** A progress bar with the backend and the ETA (the engine's, from the pace measured so far). */
export function ProgressBar({ label, progress, backend }: { label: string; progress: JobProgressEvent['progress'] | null; backend: string | null }) {
  const step = progress?.step ?? 0;
  const steps = progress?.steps ?? 0;
  return (
    <div className="train-progress" data-testid="train-progress" data-step={step} data-steps={steps}>
      <div className="train-progress__label">
        <span>
          {label}
          {backend && <span data-testid="train-backend"> on {backend}</span>}
        </span>
        <span data-testid="train-eta">{progress ? `${step}/${steps} · ${formatEta(progress.etaSeconds)}` : 'starting…'}</span>
      </div>
      <progress className="train-progress__bar" max={steps || 1} value={step} aria-label={label} />
    </div>
  );
}

/**
 * Learning curves of a run: its losses; and what can be said of the model — the validation
 * Dice under the name of what it measures (held-out annotations, or only the fit on the
 * training ones), the figures on unannotated data — with the unsupervised weight's ramp.
 */
export function LearningCurves({ series }: { series: ProgressSeries }) {
  const shown = new Set(reportedCurves(series));
  const loss = LOSS_LINES.filter((l) => l.curve === 'supervised' || shown.has(l.curve));
  const ramp = RAMP_LINES.filter((l) => l.curve === 'valDice' || shown.has(l.curve)).map((l) =>
    l.curve === 'valDice' ? { ...l, label: validationName(series.validation) } : l,
  );
  return (
    <div className="train-curves" title={FIGURES_HELP}>
      <LossChart title="Losses" series={series} lines={loss} testId="chart-losses" />
      <LossChart title="What the model does" series={series} lines={ramp} testId="chart-dice" />
      {series.validation === 'training-slices' && (
        <p className="train-curves__note" data-testid="fit-note">
          Too few annotated slices to hold any out: the green curve is the fit on the slices it trains on, not an accuracy.
        </p>
      )}
    </div>
  );
}
