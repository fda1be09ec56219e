import type { JobProgressEvent } from '../../../shared/types.ts';
import { formatEta } from './formatTime.ts';
import { LossChart, type ChartLine } from './LossChart.tsx';
import { reportedCurves, type ProgressSeries } from './progressSeries.ts';

const LOSS_LINES: ChartLine[] = [
  { curve: 'supervised', label: 'supervised', color: '#4ea3f1', scale: 'loss' },
  { curve: 'unsupervised', label: 'unsupervised', color: '#f0a35e', scale: 'loss' },
];
const RAMP_LINES: ChartLine[] = [
  { curve: 'valDice', label: 'validation Dice', color: '#5cc48b', scale: 'dice' },
  { curve: 'weight', label: 'weight', color: '#c084fc', scale: 'weight' },
];

/** A progress bar with its ETA. */
export function ProgressBar({ label, progress }: { label: string; progress: JobProgressEvent['progress'] | null }) {
  const step = progress?.step ?? 0;
  const steps = progress?.steps ?? 0;
  return (
    <div className="train-progress" data-testid="train-progress" data-step={step} data-steps={steps}>
      <div className="train-progress__label">
        <span>{label}</span>
        <span data-testid="train-eta">{progress ? `${step}/${steps} · ${formatEta(progress.etaSeconds)}` : 'starting…'}</span>
      </div>
      <progress className="train-progress__bar" max={steps || 1} value={step} aria-label={label} />
    </div>
  );
}

/** Learning curves of a run: its losses, and validation Dice with the unsupervised weight's ramp. */
export function LearningCurves({ series }: { series: ProgressSeries }) {
  const shown = new Set(reportedCurves(series));
  const loss = LOSS_LINES.filter((l) => l.curve === 'supervised' || shown.has(l.curve));
  const ramp = RAMP_LINES.filter((l) => l.curve === 'valDice' || shown.has(l.curve));
  return (
    <div className="train-curves">
      <LossChart title="Losses" series={series} lines={loss} testId="chart-losses" />
      <LossChart title={ramp.length > 1 ? 'Validation Dice · weight' : 'Validation Dice'} series={series} lines={ramp} testId="chart-dice" />
    </div>
  );
}
