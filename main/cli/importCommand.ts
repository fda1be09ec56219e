import { basename } from 'node:path';
import type { Axis } from '../../shared/types.ts';
import { scanNameProblem } from '../../shared/scanName.ts';
import { importScan } from '../api/scanImport.ts';
import { readInputFile } from '../io/index.ts';
import { UsageError, type Command } from './command.ts';
import { requireArg, withProject } from './openProject.ts';

export const runImport: Command = {
  usage: 'import <project> <scan.nii[.gz]> [--labels <labels.nii[.gz]>] [--annotated-slices <axis>:<n,n,...>] [--name <name>] [--first-frame]',
  options: {
    labels: { type: 'string' },
    'annotated-slices': { type: 'string' },
    name: { type: 'string' },
    'first-frame': { type: 'boolean' },
  },
  async run(positionals, values) {
    const project = requireArg(positionals, 0, '<project>');
    const scanPath = requireArg(positionals, 1, '<scan.nii[.gz]>');
    const labelsPath = values.labels as string | undefined;
    const slicesArg = values['annotated-slices'] as string | undefined;
    if (slicesArg && !labelsPath) throw new UsageError('--annotated-slices needs --labels');
    const annotatedSlices = slicesArg ? parseAnnotatedSlices(slicesArg) : undefined;
    const name = values.name as string | undefined;
    const nameProblem = name === undefined ? null : scanNameProblem(name);
    if (nameProblem) throw new UsageError(`--name: ${nameProblem}`);
    const info = await withProject(project, (store) =>
      importScan(store, {
        scan: readInputFile(scanPath),
        scanFileName: basename(scanPath),
        labels: labelsPath ? readInputFile(labelsPath) : undefined,
        labelsFileName: labelsPath ? basename(labelsPath) : undefined,
        name,
        annotatedSlices,
        firstFrameOnly: values['first-frame'] === true,
      }),
    );
    console.log(
      `imported ${info.name}: ${info.shape.join('×')} voxels, ${info.spacing.map((s) => +s.toFixed(3)).join('×')} mm, ${info.orientation}, ${info.datatype}`,
    );
    console.log(info.id);
  },
};

/** Parses `k:10,20,30` (voxel axis, slice indices) as given to --annotated-slices. */
export function parseAnnotatedSlices(arg: string): { axis: Axis; slices: number[] } {
  const match = /^([ijk]):(\d+(?:,\d+)*)$/.exec(arg.trim());
  if (!match) throw new UsageError(`--annotated-slices "${arg}": expected <axis>:<n,n,...> with axis i, j or k, e.g. k:10,20,30`);
  return { axis: match[1] as Axis, slices: match[2].split(',').map(Number) };
}
