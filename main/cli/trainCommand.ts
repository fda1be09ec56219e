import { startTraining } from '../api/training.ts';
import { JobRunner } from '../engine/jobs/jobRunner.ts';
import type { TrainJobResult, TrainRequestParameters } from '../engine/jobs/jobSpec.ts';
import { METHOD_NAMES, MethodOptionError, parseOptionWords } from '../../shared/methods.ts';
import { MODEL_CHOICES } from '../../shared/networks.ts';
import { DEFAULT_TIME_BUDGET_MINUTES, OPTIMIZER_NAMES, trainParameterProblem, type RangedTrainParameter } from '../../shared/training.ts';
import { AXES } from '../../shared/types.ts';
import { probeText, validationText } from '../../shared/trainingFigures.ts';
import { UsageError, type Command } from './command.ts';
import { requireArg, withProject } from './openProject.ts';

export const runTrain: Command = {
  usage:
    `train <project> [--method ${METHOD_NAMES.join('|')}] [--option key=value …] [--model ${MODEL_CHOICES.join('|')}] [--axis ${AXES.join('|')}] [--iterations N] [--max-minutes M] ` +
    `[--batch-size B] [--width W] [--seed S] [--optimizer ${OPTIMIZER_NAMES.join('|')}] [--lr X] [--continue-from <run>|current] [--resume <run> | --settings-from <run>] [--json] ` +
    `(a run plans its iterations to fill --max-minutes, default ${DEFAULT_TIME_BUDGET_MINUTES}, unless --iterations fixes them; --settings-from starts a new run with another run's settings, ` +
    "the options given replacing theirs; atrium methods lists each method's options)",
  options: {
    method: { type: 'string' },
    option: { type: 'string', multiple: true },
    model: { type: 'string' },
    axis: { type: 'string' },
    iterations: { type: 'string' },
    'max-minutes': { type: 'string' },
    'batch-size': { type: 'string' },
    width: { type: 'string' },
    seed: { type: 'string' },
    optimizer: { type: 'string' },
    lr: { type: 'string' },
    resume: { type: 'string' },
    'settings-from': { type: 'string' },
    'continue-from': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(positionals, values) {
    const parameters = trainParameters(values);
    const runner = new JobRunner();
    await withProject(requireArg(positionals, 0, '<project>'), async (store) => {
      const { runId, job, finished } = startTraining(store, runner, parameters, {
        resume: values.resume as string | undefined,
        settingsFrom: values['settings-from'] as string | undefined,
      });
      let interrupts = 0;
      const onSigint = () => {
        interrupts++;
        if (interrupts === 1) {
          console.error('cancelling: finishing the current step and keeping the model (Ctrl-C again to abandon it)');
          job.cancel();
        } else process.exit(130);
      };
      process.on('SIGINT', onSigint);
      job.onBackend((b) => console.error(`run ${runId}: backend ${b.name} (${b.device}) — ${b.reason}`));
      let lastPrint = 0;
      job.onProgress((p) => {
        const now = Date.now();
        if (now - lastPrint < 1000 && p.step !== p.steps && p.valDice === undefined) return;
        lastPrint = now;
        const losses = Object.entries(p.losses ?? {})
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join(' ');
        const figures = [validationText(p.valDice, p.validation), probeText(p.probe)].filter(Boolean).join('; ');
        const val = figures ? ` · ${figures}` : '';
        const eta = p.etaSeconds ? ` ETA ${Math.ceil(p.etaSeconds)} s` : '';
        console.error(
          `iter ${p.step}/${p.steps} ${losses} lr ${p.learningRate?.toExponential(2) ?? '-'}${val} ${p.msPerIteration?.toFixed(0) ?? '-'} ms/iter${eta}`,
        );
      });
      try {
        const info = await finished;
        const result = (await job.result) as TrainJobResult;
        const summary = {
          run: runId,
          status: info.status,
          method: String(result.config.method),
          model: String(result.config.model),
          backend: result.backend.name,
          iterations: result.iterations,
          seconds: +result.seconds.toFixed(2),
          ms_per_iter: +result.msPerIteration.toFixed(1),
          val_dice: result.valDice,
          validation: result.validation,
          confident: result.probe?.confident ?? null,
          agreement: result.probe?.agreement ?? null,
          stopped_by: result.stoppedBy,
        };
        if (values.json) console.log(JSON.stringify(summary));
        else {
          const figures = [validationText(result.valDice, result.validation), probeText(result.probe)].filter(Boolean).join('; ');
          console.log(
            `run ${runId} ${info.status}: ${summary.model}, ${summary.iterations} iterations in ${summary.seconds} s${figures ? `, ${figures}` : ''}`,
          );
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
  },
};

/** A parameter with a range (shared/training.ts), refused here as the API refuses it. */
function rangedOption(values: Record<string, unknown>, name: string, key: RangedTrainParameter): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const problem = trainParameterProblem(key, n);
  if (problem) throw new UsageError(`--${name} ${problem}, got "${String(raw)}"`);
  return n;
}

function intOption(values: Record<string, unknown>, name: string, min: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${String(raw)}"`);
  return n;
}

function numberOption(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got "${String(raw)}"`);
  return n;
}

function oneOf<T extends string>(values: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${String(raw)}"`);
  return raw as T;
}

export function trainParameters(values: Record<string, unknown>): TrainRequestParameters {
  return {
    method: oneOf(values, 'method', METHOD_NAMES),
    methodOptions: methodOptions(values.option as string[] | undefined),
    model: oneOf(values, 'model', MODEL_CHOICES),
    axis: oneOf(values, 'axis', AXES),
    iterations: rangedOption(values, 'iterations', 'iterations'),
    maxMinutes: rangedOption(values, 'max-minutes', 'maxMinutes'),
    batchSize: rangedOption(values, 'batch-size', 'batchSize'),
    width: rangedOption(values, 'width', 'width'),
    seed: intOption(values, 'seed', 0),
    optimizer: oneOf(values, 'optimizer', OPTIMIZER_NAMES),
    learningRate: numberOption(values, 'lr'),
    continueFrom: values['continue-from'] as string | undefined,
  };
}

function methodOptions(words: string[] | undefined): Record<string, string> | undefined {
  if (!words?.length) return undefined;
  try {
    return parseOptionWords(words);
  } catch (error) {
    if (error instanceof MethodOptionError) throw new UsageError(`--option ${error.message}`);
    throw error;
  }
}
