import { MEASURED_SETTING, METHODS, optionDefault, type MethodOptionSpec } from '../../shared/methods.ts';
import type { Command } from './command.ts';

/** Lists the training methods and, for each, the options `train --option key=value` takes. */
export const runMethods: Command = {
  usage: 'methods [--json]',
  options: { json: { type: 'boolean' } },
  async run(_positionals, values) {
    if (values.json) {
      console.log(JSON.stringify(METHODS));
      return;
    }
    console.log(MEASURED_SETTING);
    for (const m of METHODS) {
      console.log(`${m.name} — ${m.description}${m.minBatchSize > 1 ? ` (batch ≥ ${m.minBatchSize})` : ''}`);
      console.log(`  measured: ${m.measured}`);
      for (const o of m.options) console.log(`  ${o.key}=${describe(o)}  ${o.description}`);
    }
  },
};

function describe(o: MethodOptionSpec): string {
  const d2 = optionDefault(o, 'unet2d');
  const d3 = optionDefault(o, 'vnet3d');
  const defaults = d2 === d3 ? String(d2) : `${d2} (2D) / ${d3} (3D)`;
  switch (o.kind) {
    case 'number':
    case 'integer':
      return `${defaults} [${o.min}…${o.max}]`;
    case 'boolean':
      return `${defaults} [true|false]`;
    case 'choice':
      return `${defaults} [${o.choices.join('|')}]`;
  }
}
