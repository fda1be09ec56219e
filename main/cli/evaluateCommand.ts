import type { Axis } from '../../shared/types.ts';
import { NiftiError, readInputFile, readNifti, sameGeometry, scaledData, spacingOf, type NiftiImage } from '../io/index.ts';
import { sliceMask } from '../engine/data/sliceMask.ts';
import { evaluateSegmentation, type SegmentationEvaluation } from '../engine/metrics/evaluateSegmentation.ts';
import { UsageError, type Command } from './command.ts';
import { parseAnnotatedSlices } from './importCommand.ts';
import { requireArg } from './openProject.ts';

export const runEvaluate: Command = {
  usage: 'evaluate <prediction.nii[.gz]> <truth.nii[.gz]> [--ignore-slices <axis>:<n,n,...>] [--json]',
  options: { json: { type: 'boolean' }, 'ignore-slices': { type: 'string' } },
  run(positionals, values) {
    const predPath = requireArg(positionals, 0, '<prediction.nii[.gz]>');
    const truthPath = requireArg(positionals, 1, '<truth.nii[.gz]>');
    const ignore = values['ignore-slices'] ? parseAnnotatedSlices(values['ignore-slices'] as string) : undefined;
    const result = evaluateFiles(predPath, truthPath, ignore);
    if (values.json) {
      console.log(JSON.stringify(result));
      return;
    }
    const fmt = (v: number | null, digits = 4) => (v === null ? '-' : v.toFixed(digits));
    console.log('label  status            dice    jaccard  hd95_vox  asd_vox  hd95_mm  asd_mm');
    for (const c of result.classes) {
      console.log(
        `${String(c.label).padEnd(6)} ${c.status.padEnd(17)} ${fmt(c.dice)}  ${fmt(c.jaccard)}   ${fmt(c.hd95_vox, 2).padStart(8)} ${fmt(c.asd_vox, 2).padStart(8)} ${fmt(c.hd95_mm, 2).padStart(8)} ${fmt(c.asd_mm, 2).padStart(7)}`,
      );
    }
    const m = result.mean;
    console.log(
      `mean over ${m.classes} class(es) present in both: dice ${fmt(m.dice)}, jaccard ${fmt(m.jaccard)}, hd95 ${fmt(m.hd95_mm, 2)} mm, asd ${fmt(m.asd_mm, 2)} mm`,
    );
  },
};

/**
 * Evaluates a predicted label map against a reference on the same grid, for every class value
 * present in either. Slices listed in `ignore` (e.g. the ones the model was trained on) are
 * cleared in both maps first, so the figures describe the rest of the volume only.
 */
export function evaluateFiles(predPath: string, truthPath: string, ignore?: { axis: Axis; slices: number[] }): SegmentationEvaluation {
  const pred = load(predPath);
  const truth = load(truthPath);
  const fit = sameGeometry(truth.header, pred.header);
  if (!fit.same) throw new UsageError(`${predPath} and ${truthPath} are not on the same grid: ${fit.reason}`);
  const p = labelValues(pred, predPath);
  const t = labelValues(truth, truthPath);
  if (ignore) {
    const extent = pred.shape[{ i: 0, j: 1, k: 2 }[ignore.axis]];
    const outside = ignore.slices.filter((s) => s >= extent);
    if (outside.length) throw new UsageError(`slice ${outside.join(', ')} is outside axis ${ignore.axis} (0..${extent - 1})`);
    const ignored = sliceMask(pred.shape, { [ignore.axis]: ignore.slices });
    for (let n = 0; n < p.length; n++) if (ignored[n]) p[n] = t[n] = 0;
  }
  const present = new Set<number>();
  for (let n = 0; n < p.length; n++) {
    if (p[n]) present.add(p[n]);
    if (t[n]) present.add(t[n]);
  }
  const classes = [...present].sort((a, b) => a - b);
  return evaluateSegmentation(p, t, pred.shape, spacingOf(truth.header), classes);
}

function load(path: string): NiftiImage {
  return readNifti(readInputFile(path), path);
}

function labelValues(img: NiftiImage, path: string): Uint8Array {
  const values = scaledData(img);
  const out = new Uint8Array(values.length);
  for (let n = 0; n < values.length; n++) {
    const v = values[n];
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new NiftiError(path, `voxel ${n} has value ${v}; a label map holds whole values 0..255`);
    out[n] = v;
  }
  return out;
}
