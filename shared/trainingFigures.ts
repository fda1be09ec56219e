/**
 * How a run's figures are put into words, wherever they are shown (Train tab, runs list,
 * Review tab, command line): a number always says what it measures. A Dice on the slices the
 * model trained on is a fit, never presented as accuracy. Plain functions only.
 */
import { MIN_SCANS_TO_HOLD_OUT, MIN_SLICES_TO_HOLD_OUT } from './training.ts';
import type { ProbeFigures, ValidationKind } from './types.ts';

/** The name of a run's validation figure, e.g. for a chart legend. */
export function validationName(kind: ValidationKind | null | undefined): string {
  switch (kind) {
    case 'held-out':
      return 'Dice on held-out annotations';
    case 'training-slices':
      return 'fit on its training annotations';
    default:
      return 'validation Dice';
  }
}

/** "Dice 0.812 on held-out annotations", "fit 0.951 on its training annotations (not an accuracy)", or '' without a figure. */
export function validationText(valDice: number | null | undefined, kind: ValidationKind | null | undefined, digits = 3): string {
  if (valDice === null || valDice === undefined) return '';
  switch (kind) {
    case 'held-out':
      return `Dice ${valDice.toFixed(digits)} on held-out annotations`;
    case 'training-slices':
      return `fit ${valDice.toFixed(digits)} on its training annotations (not an accuracy)`;
    default:
      return `validation Dice ${valDice.toFixed(digits)}`;
  }
}

/** "unannotated slices: 64 % of the structure it labels is confident, its two networks agree 0.71", or '' without figures. */
export function probeText(probe: ProbeFigures | null | undefined): string {
  if (!probe) return '';
  const parts = [
    probe.confident === null ? 'it labels no structure' : `${Math.round(probe.confident * 100)} % of the structure it labels is confident`,
    ...(probe.agreement === null ? [] : [`its two networks agree ${probe.agreement.toFixed(2)}`]),
  ];
  return `unannotated slices: ${parts.join(', ')}`;
}

/** Explains the figures in a tooltip. */
export const FIGURES_HELP =
  `Dice on held-out annotations estimates accuracy. With fewer than ${MIN_SLICES_TO_HOLD_OUT} annotated slices (${MIN_SCANS_TO_HOLD_OUT} annotated scans for the 3D V-Net) none are held out, and the Dice on the ` +
  'training annotations only shows the model fits them. On unannotated slices: the share of the voxels it labels as a structure ' +
  'that it labels with ≥ 90 % confidence, and, for methods with two networks (teacher and student, or a pair), how far they agree (Dice). A model can be ' +
  'confident and agreed yet wrong: review its predictions.';
