import { exportLabelMaps } from '../api/labelExport.ts';
import { UsageError, type Command } from './command.ts';
import { requireArg, withProject } from './openProject.ts';

export const runExport: Command = {
  usage: 'export <project> --out <dir> [--volume <id>] [--sidecar]',
  options: { out: { type: 'string' }, volume: { type: 'string' }, sidecar: { type: 'boolean' } },
  async run(positionals, values) {
    const out = values.out as string | undefined;
    if (!out) throw new UsageError('missing --out <dir>');
    const written = await withProject(requireArg(positionals, 0, '<project>'), (store) =>
      exportLabelMaps(store, out, values.volume as string | undefined, { sidecar: values.sidecar === true }),
    );
    for (const file of written) console.log(file);
  },
};
