import { EXPORT_CONTENTS, type ExportContent } from '../../shared/types.ts';
import { exportLabelMaps } from '../api/labelExport.ts';
import { UsageError, type Command } from './command.ts';
import { requireArg, withProject } from './openProject.ts';

export const runExport: Command = {
  usage: `export <project> --out <dir> [--scan <id>] [--sidecar] [--content ${EXPORT_CONTENTS.join('|')}] [--run <id>]`,
  options: { out: { type: 'string' }, scan: { type: 'string' }, sidecar: { type: 'boolean' }, content: { type: 'string' }, run: { type: 'string' } },
  async run(positionals, values) {
    const out = values.out as string | undefined;
    if (!out) throw new UsageError('missing --out <dir>');
    const content = (values.content ?? 'with-accepted') as ExportContent;
    if (!EXPORT_CONTENTS.includes(content)) throw new UsageError(`--content must be one of ${EXPORT_CONTENTS.join(', ')}`);
    const runId = values.run as string | undefined;
    if ((content === 'prediction') !== (runId !== undefined)) throw new UsageError('--run <id> goes with --content prediction, and only with it');
    const written = await withProject(requireArg(positionals, 0, '<project>'), (store) =>
      exportLabelMaps(store, out, values.scan as string | undefined, { sidecar: values.sidecar === true, choice: { content, runId } }),
    );
    for (const file of written) console.log(file);
  },
};
