/**
 * The method the Train tab proposes for the project's annotations, beside the one-click default:
 * the exemplar method when the data is its setting — exactly one scan annotated throughout (every
 * slice along every axis holds annotation: an imported label map or a fully painted scan) and
 * every other scan not annotated at all. A proposal, not the default: a step costs about four
 * supervised ones, and in the default time budget on a CPU it measured below supervised training,
 * which in this setting trains with AdamW (docs/training.md, docs/methods.md).
 * Plain data and pure functions only.
 */
import { DEFAULT_METHOD, type MethodName } from './methods.ts';
import { DEFAULT_TIME_BUDGET_MINUTES } from './training.ts';
import { AXES, type ScanInfo } from './types.ts';

export interface MethodProposal {
  method: MethodName;
  /** Why, in words for the Train tab; null when there is nothing to propose beside the default. */
  reason: string | null;
}

export function proposeMethod(scans: readonly Pick<ScanInfo, 'name' | 'shape' | 'annotatedSlices'>[]): MethodProposal {
  const annotated = scans.filter((s) => AXES.some((a) => s.annotatedSlices[a] > 0));
  const others = scans.length - 1;
  const exemplar = annotated.length === 1 && others > 0 ? annotated[0]! : null;
  // Every slice along every axis: a few painted slices along k already touch every slice along i and j.
  const throughout = exemplar && AXES.every((a, n) => exemplar.annotatedSlices[a] >= exemplar.shape[n]!);
  if (!exemplar || !throughout) return { method: DEFAULT_METHOD, reason: null };
  const rest = others === 1 ? 'the other scan is' : `the ${others} other scans are`;
  return {
    method: 'exemplar',
    reason:
      `${exemplar.name} is annotated throughout and ${rest} not: the exemplar method is made for this, ` +
      'learning from it, from scans synthesised from it and from the unannotated ones. ' +
      `Its steps cost about four supervised ones: in ${DEFAULT_TIME_BUDGET_MINUTES}-minute runs on a CPU it measured below supervised training`,
  };
}
