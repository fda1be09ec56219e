/**
 * `npm run bench:methods`: every registered training method on the same semi-supervised task,
 * for the same budget, through the real train() and predictVolume(). A figure, not an
 * assertion: Dice on the unannotated slices per class and mean, time per iteration, and the
 * mean Dice as a ratio to the supervised baseline's.
 *
 * Task: CONTRAST_SHIFT_TASK of tests/support/multiScanPhantom.ts: four 32×32×8 phantom scans,
 * two slices of one annotated, the three others of a weaker contrast and unannotated;
 * evaluated on every unannotated slice of all four. Methods with a consistency or pseudo-label weight and a ramp
 * get weight 1 with the ramp over 30% of the run (see SHORT_RUN_OPTIONS): the defaults (0.1,
 * ramp over the whole run) leave their unsupervised term almost unused in so few iterations.
 * Methods not built yet are listed as such.
 *
 *   --iterations N   training iterations per method (default 100; 60 with --quick)
 *   --quick          fewer iterations (about a minute per method on a laptop CPU)
 *   --seed S         phantom and training seed (default 1)
 *   --width W        base channels (default 4)
 */
import { METHOD_NAMES, type MethodName, type OptionValue } from '../../../shared/methods.ts';
import { CONTRAST_SHIFT_TASK, multiScanPhantom, unannotatedDice } from '../../../tests/support/multiScanPhantom.ts';
import { selectBackend } from '../backend/selectBackend.ts';
import { train } from '../training/train.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const numberArg = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
};
const iterations = numberArg('iterations', quick ? 60 : 100);
const seed = numberArg('seed', 1);
const width = numberArg('width', 4);

/** Unsupervised weights (and ramps) raised for runs of ~100 iterations; methods not named keep their defaults. */
const SHORT_RUN_OPTIONS: Partial<Record<MethodName, Record<string, OptionValue>>> = {
  'mean-teacher': { consistencyWeight: 1, rampFraction: 0.3 },
  'ua-mt': { consistencyWeight: 1, rampFraction: 0.3 },
  cps: { consistencyWeight: 1, rampFraction: 0.3 },
  caml: { rampFraction: 0.3 },
  contrastive: { contrastiveWeight: 1, rampFraction: 0.3 },
};

interface Row {
  method: MethodName;
  dice?: number[];
  msPerIteration?: number;
  note?: string;
}

async function main(): Promise<void> {
  const backend = (await selectBackend()).name;
  const scans = multiScanPhantom({ ...CONTRAST_SHIFT_TASK, seed });
  console.log(`methods bench: backend ${backend}, ${scans.length} scans ${CONTRAST_SHIFT_TASK.shape.join('×')}, slices ${CONTRAST_SHIFT_TASK.annotatedSlices.join(', ')} `
    + `annotated on scan ${CONTRAST_SHIFT_TASK.annotatedScans.join(', ')} (the others of a shifted contrast), unet2d width ${width}, batch 2, ${iterations} iterations, seed ${seed}`);
  console.log(['method'.padEnd(14), 'Dice 1', 'Dice 2', '  mean', 'ms/iter', 'vs supervised'].join('  '));
  const rows: Row[] = [];
  for (const method of METHOD_NAMES) {
    try {
      const result = await train({
        volumes: scans, classValues: [1, 2], method, methodOptions: SHORT_RUN_OPTIONS[method], model: 'unet2d', axis: 'k', iterations, width, batchSize: 2,
        optimizer: 'adamw', learningRate: 0.01, seed, sliceCrop: 'none', validationInterval: iterations, backend: { name: backend },
      });
      rows.push({ method, dice: await unannotatedDice(result.model, scans), msPerIteration: result.msPerIteration });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      rows.push({ method, note: /not built yet/.test(message) ? 'not built yet' : `failed: ${message}` });
    }
    // Each row as it comes (supervised first, so the ratio is known), so an interrupted run still shows what it measured.
    console.log(formatRow(rows[rows.length - 1]!, rows[0]?.dice));
  }
}

const mean = (d: number[]) => d.reduce((a, b) => a + b, 0) / d.length;

function formatRow(row: Row, baseline: number[] | undefined): string {
  if (!row.dice) return `${row.method.padEnd(14)}  ${row.note}`;
  const ratio = baseline ? `${(mean(row.dice) / mean(baseline)).toFixed(2)}×` : '–';
  return [row.method.padEnd(14), row.dice[0]!.toFixed(3).padStart(6), row.dice[1]!.toFixed(3).padStart(6), mean(row.dice).toFixed(3).padStart(6),
    row.msPerIteration!.toFixed(0).padStart(7), ratio.padStart(13)].join('  ');
}

await main();
