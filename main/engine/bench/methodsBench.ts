/**
 * `npm run bench:methods`: every registered training method on the same semi-supervised task,
 * for the same budget, through the real train() and predictVolume(). A figure, not an
 * assertion: Dice on the unannotated slices per class and mean, time per iteration, and the
 * mean Dice as a ratio to the supervised baseline's.
 *
 * Task: CONTRAST_CONTINUUM_TASK of multiScanPhantom.ts: six 32×32×8 phantom
 * scans, two slices of one annotated; the bright class fades across the five unannotated
 * scans, so only they show where it ends. Evaluated on every unannotated slice of all six.
 * Methods run with the short-run options of shortRunOptions.ts (weights and
 * ramps for ~150 iterations), the same as the integration test's.
 *
 *   --iterations N   training iterations per method (default 150; 80 with --quick)
 *   --quick          fewer iterations
 *   --seed S         phantom and training seed (default 1)
 *   --width W        base channels (default 8)
 */
import { METHOD_NAMES, type MethodName } from '../../../shared/methods.ts';
import { CONTRAST_CONTINUUM_TASK, multiScanPhantom, unannotatedDice } from './multiScanPhantom.ts';
import { SHORT_RUN_OPTIONS } from './shortRunOptions.ts';
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
const iterations = numberArg('iterations', quick ? 80 : 150);
const seed = numberArg('seed', 1);
const width = numberArg('width', 8);

interface Row {
  method: MethodName;
  dice?: number[];
  msPerIteration?: number;
  note?: string;
}

async function main(): Promise<void> {
  const backend = (await selectBackend()).name;
  const task = CONTRAST_CONTINUUM_TASK;
  const scans = multiScanPhantom({ ...task, seed });
  console.log(
    `methods bench: backend ${backend}, ${scans.length} scans ${task.shape.join('×')}, slices ${task.annotatedSlices.join(', ')} ` +
      `annotated on scan ${task.annotatedScans.join(', ')} (the others fading in contrast), unet2d width ${width}, batch 2, ${iterations} iterations, seed ${seed}`,
  );
  console.log(['method'.padEnd(14), 'Dice 1', 'Dice 2', '  mean', 'ms/iter', 'vs supervised'].join('  '));
  const rows: Row[] = [];
  for (const method of METHOD_NAMES) {
    try {
      const result = await train({
        scans,
        classValues: [1, 2],
        method,
        methodOptions: SHORT_RUN_OPTIONS[method],
        model: 'unet2d',
        axis: 'k',
        iterations,
        width,
        batchSize: 2,
        optimizer: 'adamw',
        learningRate: 0.01,
        seed,
        sliceCrop: 'none',
        validationInterval: iterations,
        backend: { name: backend },
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
  return [
    row.method.padEnd(14),
    row.dice[0]!.toFixed(3).padStart(6),
    row.dice[1]!.toFixed(3).padStart(6),
    mean(row.dice).toFixed(3).padStart(6),
    row.msPerIteration!.toFixed(0).padStart(7),
    ratio.padStart(13),
  ].join('  ');
}

await main();
