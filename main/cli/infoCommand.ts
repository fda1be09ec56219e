import { probeText, validationText } from '../../shared/trainingFigures.ts';
import type { Command } from './command.ts';
import { requireArg, withProject } from './openProject.ts';

export const runInfo: Command = {
  usage: 'info <project> [--json]',
  options: { json: { type: 'boolean' } },
  async run(positionals, values) {
    await withProject(requireArg(positionals, 0, '<project>'), (store) => {
      const info = { project: store.folder, schemaVersion: store.schemaVersion, scans: store.scans(), classes: store.classes(), runs: store.runs() };
      if (values.json) {
        console.log(JSON.stringify(info));
        return;
      }
      console.log(`project ${info.project} (schema ${info.schemaVersion})`);
      console.log(`scans (${info.scans.length}):`);
      for (const v of info.scans) {
        const a = v.annotatedSlices;
        console.log(
          `  ${v.id}  ${v.name}  ${v.shape.join('×')}  ${v.spacing.map((s) => +s.toFixed(3)).join('×')} mm  ${v.datatype}  ${v.orientation}  annotated slices i:${a.i} j:${a.j} k:${a.k}`,
        );
      }
      console.log(`label classes (${info.classes.length}):`);
      for (const c of info.classes) console.log(`  ${c.value}  ${c.name}  ${c.color}`);
      console.log(`runs (${info.runs.length}):`);
      for (const r of info.runs) {
        const figures = [validationText(r.valDice, r.validation), probeText(r.probe)].filter(Boolean).join('; ');
        console.log(`  ${r.id}  ${r.method}  ${r.model}  ${r.status}  ${r.backend}  ${figures || 'no figures yet'}`);
      }
    });
  },
};
