import type { TrainPlan } from '../../../shared/types.ts';
import { formatDuration } from './formatTime.ts';

/** "850 KB", "12.4 MB", "1.2 GB" (powers of 1024, as memory is counted). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 || value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The preflight's plan as the lines the Train tab shows, each a label and what it says. */
export function planLines(plan: TrainPlan, method: { label: string; usesUnlabeled: boolean }): { label: string; text: string }[] {
  const { data } = plan;
  const network = plan.model === 'unet2d' ? `2D U-Net on ${plan.axis ?? '?'} slices` : '3D V-Net on patches';
  const held =
    data.heldOut > 0
      ? ` (${data.heldOut} more held out to measure Dice on)`
      : ' (too few to hold any out: the Dice shown will be the fit on them, not an accuracy)';
  const ms = plan.msPerIteration;
  const pace = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
  const budget = plan.planned
    ? `, planned to fill the ${plan.maxMinutes} min budget`
    : plan.maxMinutes !== null && plan.estimatedSeconds < (plan.iterations * ms) / 1000
      ? ', stopped by the time budget'
      : '';
  return [
    // The device usually names the backend already ("cpu + oneDNN kernels").
    { label: 'Backend', text: plan.backend.device.startsWith(plan.backend.name) ? plan.backend.device : `${plan.backend.name} · ${plan.backend.device}` },
    {
      label: 'Method',
      text: `${method.label} · ${network} · width ${plan.width} · batch ${plan.batchSize}${plan.continuedFrom ? ` · continues from run ${plan.continuedFrom.slice(0, 6)}` : ''}`,
    },
    {
      label: 'Data',
      text:
        `${plural(data.labeled, `annotated ${data.unit}`)} to train on${held}${data.synthetic ? `, and ${plural(data.synthetic, 'synthetic scan')} made from them` : ''} · ` +
        (method.usesUnlabeled ? `${plural(data.unlabeled, `unlabelled ${data.unit}`)} with tissue` : `${method.label} uses no unlabelled data`),
    },
    {
      label: 'Time',
      text: `about ${formatDuration(plan.estimatedSeconds)} (${plan.iterations.toLocaleString('en')} iterations at ${pace} each${budget}), then every scan is predicted`,
    },
    { label: 'Memory', text: `${formatBytes(plan.peakTensorBytes)} of tensors at the peak of a step` },
  ];
}
