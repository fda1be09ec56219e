/**
 * The real MRI the quality benchmark and its integration test are built from: Debian's
 * `mricron-data` templates (`apt-get install mricron-data`, installed by scripts/setup.sh).
 *
 * - Colin 27 (`ch2bet.nii.gz`, skull-stripped T1, 1 mm) with its AAL atlas (`aal.nii.gz`, drawn
 *   on the same subject and grid; Tzourio-Mazoyer 2002): the deep grey nuclei, caudate (AAL 71,
 *   72), putamen (73, 74) and thalamus (77, 78), left and right merged, as in the sample project.
 * - Colin 27 with its skull (`ch2.nii.gz`) and the brain mask (`ch2bet` > 0): brain extraction.
 * - INIA19 rhesus macaque (`inia19-t1-brain.nii.gz`, 0.5 mm; Rohlfing 2012) with the NeuroMaps
 *   labels on the same grid: caudate nucleus (82, right 1082) and putamen (98, 1098), the codes
 *   of the NeuroMaps table distributed with INIA19.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readNiftiFile, scaledData, spacingOf } from '../../../io/index.ts';
import type { Shape3, Spacing3 } from '../../data/volume.ts';

export const TEMPLATE_DIR = process.env.ATRIUM_MRICRON_TEMPLATES ?? '/usr/share/mricron/templates';

/** A scan with a complete reference label map (0 = background, 1… = the task's classes). */
export interface LabelledTemplate {
  name: string;
  image: Float32Array;
  labels: Uint8Array;
  shape: Shape3;
  spacing: Spacing3;
  /** Name of each class value 1, 2, … */
  classNames: string[];
}

interface TemplateTask {
  image: string;
  labels: string;
  /** Class value ← the label file's codes; a code list of [] means "any non-zero voxel". */
  classes: Array<{ name: string; codes: number[] }>;
}

export const TEMPLATE_TASKS = {
  'colin27-deep-grey': {
    image: 'ch2bet.nii.gz',
    labels: 'aal.nii.gz',
    classes: [
      { name: 'caudate', codes: [71, 72] },
      { name: 'putamen', codes: [73, 74] },
      { name: 'thalamus', codes: [77, 78] },
    ],
  },
  'colin27-brain': { image: 'ch2.nii.gz', labels: 'ch2bet.nii.gz', classes: [{ name: 'brain', codes: [] }] },
  'inia19-striatum': {
    image: 'inia19-t1-brain.nii.gz',
    labels: 'inia19-NeuroMaps.nii.gz',
    classes: [
      { name: 'caudate', codes: [82, 1082] },
      { name: 'putamen', codes: [98, 1098] },
    ],
  },
} as const satisfies Record<string, TemplateTask>;

export type TemplateName = keyof typeof TEMPLATE_TASKS;

/** Whether the template files are installed (the benchmark and its test need them). */
export function templatesInstalled(name: TemplateName): boolean {
  const task = TEMPLATE_TASKS[name];
  return existsSync(join(TEMPLATE_DIR, task.image)) && existsSync(join(TEMPLATE_DIR, task.labels));
}

export async function loadTemplate(name: TemplateName): Promise<LabelledTemplate> {
  const task: TemplateTask = TEMPLATE_TASKS[name];
  const scan = await readNiftiFile(join(TEMPLATE_DIR, task.image));
  const atlas = await readNiftiFile(join(TEMPLATE_DIR, task.labels));
  if (scan.shape.join() !== atlas.shape.join()) throw new Error(`${task.image} and ${task.labels} differ in shape`);
  const image = scaledData(scan);
  const codes = scaledData(atlas);
  const classOf = new Map<number, number>();
  task.classes.forEach((c, n) => c.codes.forEach((code) => classOf.set(code, n + 1)));
  const labels = new Uint8Array(codes.length);
  const anyNonZero = task.classes.length === 1 && task.classes[0]!.codes.length === 0;
  for (let v = 0; v < codes.length; v++) labels[v] = anyNonZero ? (codes[v]! !== 0 ? 1 : 0) : (classOf.get(codes[v]!) ?? 0);
  return { name, image, labels, shape: scan.shape, spacing: spacingOf(scan.header), classNames: task.classes.map((c) => c.name) };
}
