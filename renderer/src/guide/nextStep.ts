import type { ProjectInfo } from '../../../shared/types.ts';
import { annotatedSliceCount, paintedSliceCount } from '../training/trainDefaults.ts';
import { keyFor } from './keys.ts';

/** What the next-step hint is derived from: the project as it is now, and what this window follows. */
export interface NextStepInput {
  /** Slices marked complete (training targets), over every scan and axis. */
  annotated: number;
  /** Slices painted but not marked complete: left out of training. */
  painted: number;
  /** The job this window follows: a training run, or the prediction after it; null when none runs. */
  job: 'train' | 'predict' | null;
  /** Whether some run has predicted a scan, so there is something to review. */
  predicted: boolean;
  /** Slices the review queue proposes on the shown scan; null while unknown (not read yet, no prediction here). */
  toReview: number | null;
  /** Slices annotated since the current model was trained (a review decision counts); null without a model. */
  annotatedSinceModel: number | null;
}

export type NextStepId = 'training' | 'predicting' | 'painted' | 'paint' | 'train' | 'review' | 'review-open' | 'train-again' | 'reviewed';

export interface NextStep {
  id: NextStepId;
  text: string;
  /** The side panel tab where the step is taken. */
  tab: 'segment' | 'train' | 'review';
}

/** The hint's input from the project, the job this window follows and the review queue of the shown scan. */
export function nextStepInput(project: ProjectInfo, job: NextStepInput['job'], toReview: number | null): NextStepInput {
  const annotated = annotatedSliceCount(project);
  const model = project.runs.find((r) => r.id === project.currentModelRunId);
  return {
    annotated,
    painted: paintedSliceCount(project),
    job,
    predicted: project.runs.some((r) => r.predicted.length > 0),
    toReview,
    annotatedSinceModel: model && model.annotatedSlices !== null ? Math.max(0, annotated - model.annotatedSlices) : null,
  };
}

/** The queue is ranked by what each slice teaches; the hint asks for this many at a time, not the whole queue. */
export const REVIEW_BATCH = 5;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The one thing to do next, from where the work stands: the first rule that holds wins, in the
 * order of the loop (paint → mark complete → train → review → train again).
 */
export function nextStep(s: NextStepInput): NextStep {
  const complete = keyFor({ kind: 'slice', action: 'complete' });
  if (s.job === 'train') return { id: 'training', tab: 'train', text: 'Training: its progress and the time left are in the Train tab' };
  if (s.job === 'predict') return { id: 'predicting', tab: 'train', text: 'Predicting every scan with the new model: Review shows it when done' };
  if (s.painted > 0) {
    return {
      id: 'painted',
      tab: 'segment',
      text: `${plural(s.painted, 'painted slice is', 'painted slices are')} not trained on until marked complete (${complete})`,
    };
  }
  if (s.annotated === 0) return { id: 'paint', tab: 'segment', text: `Paint a structure on a slice, then press ${complete} to mark it complete` };
  if (!s.predicted) return { id: 'train', tab: 'train', text: `Press Train: it learns from the ${plural(s.annotated, 'annotated slice', 'annotated slices')}` };
  if (s.toReview === null) return { id: 'review-open', tab: 'review', text: 'Review the prediction: accept, correct or reject the slices the queue proposes' };
  if (s.toReview > 0) {
    const n = Math.min(s.toReview, REVIEW_BATCH);
    return { id: 'review', tab: 'review', text: n === 1 ? 'Review the last proposed slice' : `Review the ${n} slices the queue proposes first` };
  }
  if (s.annotatedSinceModel !== null && s.annotatedSinceModel > 0) {
    return { id: 'train-again', tab: 'train', text: `Train again: ${plural(s.annotatedSinceModel, 'slice was', 'slices were')} annotated since this model` };
  }
  return { id: 'reviewed', tab: 'review', text: 'Every proposed slice of this scan is reviewed: pick another scan or slice' };
}
