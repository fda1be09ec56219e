import type { Axis, ProjectInfo } from '../../../shared/types.ts';
import { AXES } from '../../../shared/types.ts';
import { DEFAULT_TIME_BUDGET_MINUTES } from '../../../shared/training.ts';
import { keyFor } from './keys.ts';

/** A step of the first-run guide: what it says, and the control it points at. */
export interface GuideStep {
  id: 'scans' | 'paint' | 'train' | 'review' | 'next';
  title: string;
  text: string;
  /** data-testid of the control the callout points at. */
  target: string;
  /** The side panel tab that holds the target; null for a target outside the panel. */
  tab: 'segment' | 'train' | 'review' | null;
}

/** The plane whose slices lie across voxel axis `axis`, from the scan's orientation code ("RAS": k runs inferior → superior, so k slices are axial). */
export function planeOfAxis(orientation: string, axis: Axis): string {
  const letter = orientation[AXES.indexOf(axis)]?.toUpperCase();
  if (letter === 'S' || letter === 'I') return 'axial';
  if (letter === 'A' || letter === 'P') return 'coronal';
  if (letter === 'R' || letter === 'L') return 'sagittal';
  return axis;
}

/** "colin27-t1: 3 axial slices" for each scan with annotated slices. */
function annotatedScans(project: ProjectInfo): string[] {
  return project.scans.flatMap((scan) => {
    const parts = AXES.filter((a) => scan.annotatedSlices[a] > 0).map(
      (a) => `${scan.annotatedSlices[a]} ${planeOfAxis(scan.orientation, a)} slice${scan.annotatedSlices[a] === 1 ? '' : 's'}`,
    );
    return parts.length ? [`${scan.name}: ${parts.join(', ')}`] : [];
  });
}

function scansText(project: ProjectInfo): string {
  const where = project.isSample ? 'The sample project' : 'This project';
  const count = `${project.scans.length} scan${project.scans.length === 1 ? '' : 's'}`;
  const annotated = annotatedScans(project);
  const classes = project.classes.map((c) => c.name).join(', ');
  const what =
    annotated.length === 0
      ? 'No slice is annotated yet.'
      : `Annotated already (${classes}): ${annotated.join('; ')}. Every other slice is unlabelled data, which semi-supervised training learns from too.`;
  return `${where} holds ${count}, listed here. ${what}`;
}

/** The guide's steps for `project`, in the order of the work: scans, painting, training, review. */
export function guideSteps(project: ProjectInfo): GuideStep[] {
  const classes = `${keyFor({ kind: 'class', index: 0 })}–${keyFor({ kind: 'class', index: 8 })}`;
  return [
    { id: 'scans', title: 'Your scans', text: scansText(project), target: 'scan-item', tab: null },
    {
      id: 'paint',
      title: 'Paint',
      text:
        `Pick a class (click it, or ${classes}), then paint with the brush (${keyFor({ kind: 'tool', tool: 'brush' })}), ` +
        `erase (${keyFor({ kind: 'tool', tool: 'eraser' })}) or fill (${keyFor({ kind: 'tool', tool: 'fill' })}). ` +
        `A painted slice is not trained on until you press ${keyFor({ kind: 'slice', action: 'complete' })} to mark it complete: ` +
        `whatever is not drawn on it is then taught as background. ${keyFor({ kind: 'slice', action: 'background' })} marks a slice all background.`,
      target: 'annotation-tools',
      tab: 'segment',
    },
    {
      id: 'train',
      title: 'Train',
      text:
        `Train teaches a model on the annotated slices within the time budget beside it (${DEFAULT_TIME_BUDGET_MINUTES} min when left empty), ` +
        'then predicts every scan. Before it starts, a preflight takes a few real steps on this machine and shows what the run will use and how long it will take.',
      target: 'train-start',
      tab: 'train',
    },
    {
      id: 'review',
      title: 'Review',
      text:
        'After a run, Review shows its prediction and proposes first the slices that would teach the model most (doubtful, far from your annotations). ' +
        `Accept (${keyFor({ kind: 'review', action: 'accept' })}) makes a slice's prediction its annotation, ` +
        `Correct (${keyFor({ kind: 'review', action: 'correct' })}) takes it to paint over, ` +
        `Reject (${keyFor({ kind: 'review', action: 'reject' })}) marks it wrong. The next run learns from your decisions.`,
      target: 'review-slice',
      tab: 'review',
    },
    {
      id: 'next',
      title: 'What next',
      text: `This line says what to do next as the work goes on. Guide, at the top, opens this tour again; ${keyFor({ kind: 'help' })} lists every shortcut.`,
      target: 'next-step-hint',
      tab: null,
    },
  ];
}
