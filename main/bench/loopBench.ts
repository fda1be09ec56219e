/**
 * `npm run bench:loop`: the corrective loop, played as a clinician would through the app's API
 * (the same handlers the UI calls over IPC or the loopback bridge), on the real-MRI case of
 * bench:quality: train; predict every scan; take K slices — the review queue's first K, or K
 * evenly spaced ones — and paint their true labels (annotations.paint per class); train again.
 * After each round the deliverable (each scan's prediction with its annotated slices replaced by
 * what was painted) is scored by Dice on the unannotated subjects. The figure every change to
 * training, sampling or the queue is judged by.
 *
 *   --rounds R        rounds (default 4)
 *   --k K             slices painted per round (default 6)
 *   --minutes M       time budget per run (default: the app's); --iterations N fixes runs instead
 *   --strategies s,…  queue, even (default both)
 *   --start fresh|continue   each round's run starts from scratch, or from the current model
 *                     (default: what the Train tab does, CONTINUE_FROM_CURRENT_BY_DEFAULT)
 *   --subjects N      unannotated subjects (default 4)
 *   --seed S          training seed (default 1)
 */
import os from 'node:os';
import { DEFAULT_METHOD } from '../../shared/methods.ts';
import { CONTINUE_FROM_CURRENT_BY_DEFAULT, DEFAULT_TIME_BUDGET_MINUTES } from '../../shared/training.ts';
import { qualityCase } from '../engine/bench/qualityCases/qualityCase.ts';
import { templatesInstalled } from '../engine/bench/qualityCases/templates.ts';
import { playLoop, type LoopOptions, type Strategy } from './correctiveLoop.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at < 0 ? undefined : args[at + 1];
};

async function main(): Promise<void> {
  if (!templatesInstalled('colin27-deep-grey')) {
    console.log("bench:loop needs Debian's mricron-data (apt-get install mricron-data)");
    return;
  }
  const rounds = Number(option('rounds') ?? 4);
  const k = Number(option('k') ?? 6);
  const iterations = option('iterations');
  const run = iterations ? { iterations: Number(iterations) } : { maxMinutes: Number(option('minutes') ?? DEFAULT_TIME_BUDGET_MINUTES) };
  const strategies = (option('strategies') ?? 'queue,even').split(',') as Strategy[];
  const start = (option('start') ?? (CONTINUE_FROM_CURRENT_BY_DEFAULT ? 'continue' : 'fresh')) as LoopOptions['start'];
  const seed = Number(option('seed') ?? 1);
  const c = await qualityCase({ template: 'colin27-deep-grey', factor: 2, subjects: Number(option('subjects') ?? 4), annotatedCount: 3, seed: 1 });
  console.log(
    `bench:loop — ${c.name}, ${c.scans.length - 1} unannotated subjects, ${c.annotatedSlices.length} slices of scan 0 annotated to start; ` +
      `${rounds} rounds of ${k} painted slices; ${'iterations' in run ? `${run.iterations} iterations` : `${run.maxMinutes} min`} per run, ${DEFAULT_METHOD}, ` +
      `each run ${start === 'continue' ? 'continuing from the current model' : 'from scratch'}; seed ${seed}; ${os.cpus()[0]?.model ?? 'CPU'}, ${os.cpus().length} cores`,
  );
  console.log('Dice of the deliverable (prediction, annotated slices as painted) on the unannotated subjects, mean of the classes:');
  console.log(['strategy'.padEnd(9), 'round', 'annotated', ...c.classNames.map((n) => n.slice(0, 8).padStart(8)), '    mean', 'iters', '  s'].join('  '));
  for (const strategy of strategies) {
    await playLoop(c, { rounds, k, run, strategy, start, seed }, (r) =>
      console.log(
        [
          strategy.padEnd(9),
          String(r.round).padStart(5),
          String(r.annotatedSlices).padStart(9),
          ...r.perClass.map((d) => d.toFixed(3).padStart(8)),
          r.mean.toFixed(3).padStart(8),
          String(r.iterations).padStart(5),
          r.seconds.toFixed(0).padStart(3),
        ].join('  '),
      ),
    );
  }
}

await main();
