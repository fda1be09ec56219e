import type { Request } from '../../../shared/api.ts';
import { AUTO, DEFAULT_METHOD, type MethodName, type MethodOptionSpec, type MethodSpec, type NetworkKind, type OptionValue } from '../../../shared/methods.ts';
import { AXES, type ProjectInfo } from '../../../shared/types.ts';
import { CONTINUE_FROM_CURRENT_BY_DEFAULT, TRAIN_PARAMETER_RANGES, type RangedTrainParameter } from '../../../shared/training.ts';

export type ModelChoice = 'auto' | 'unet2d' | 'vnet3d';

/**
 * What the Train form holds. Numbers stay as the text typed so a half-typed value ("0.") is
 * not rewritten under the cursor; `buildTrainRequest` checks and converts them.
 */
export interface TrainForm {
  method: MethodName;
  model: ModelChoice;
  /** Option key → typed text (numbers, choices) or boolean (checkboxes). */
  options: Record<string, string | boolean>;
  /** Empty means "the engine's default for the data and backend". */
  iterations: string;
  maxMinutes: string;
  /** Continue from the project's current model, when it has one. */
  continueFromCurrent: boolean;
  batchSize: string;
  width: string;
}

/** Number of annotated slices in the project, over all scans and axes. */
export function annotatedSliceCount(project: ProjectInfo): number {
  return project.volumes.reduce((sum, v) => sum + AXES.reduce((s, a) => s + v.annotatedSlices[a], 0), 0);
}

/** The network the defaults of a choice stand for ("auto" shows the 2D defaults, the engine's usual pick). */
export function networkOf(model: ModelChoice): NetworkKind {
  return model === 'vnet3d' ? 'vnet3d' : 'unet2d';
}

/** An option's default as the form shows it. */
export function optionDefaultInput(option: MethodOptionSpec, network: NetworkKind): string | boolean {
  const d = option.default;
  const value = (typeof d === 'object' ? d[network] : d) as OptionValue;
  return typeof value === 'boolean' ? value : String(value);
}

/** The form one click sends: DEFAULT_METHOD with its options at their defaults, everything else left to the engine. */
export function initialForm(methods: readonly MethodSpec[]): TrainForm {
  const method = DEFAULT_METHOD;
  return {
    method, model: 'auto', options: defaultOptions(methods, method, 'auto'), iterations: '', maxMinutes: '', batchSize: '', width: '', continueFromCurrent: CONTINUE_FROM_CURRENT_BY_DEFAULT,
  };
}

/** Every option of `method` at its default, as form inputs. */
export function defaultOptions(methods: readonly MethodSpec[], method: MethodName, model: ModelChoice): Record<string, string | boolean> {
  const spec = methods.find((m) => m.name === method);
  return Object.fromEntries((spec?.options ?? []).map((o) => [o.key, optionDefaultInput(o, networkOf(model))]));
}

/**
 * Checks one option input against its spec.
 * @returns the value to send, or a problem naming the allowed values.
 */
export function parseOptionInput(option: MethodOptionSpec, input: string | boolean): { value: OptionValue } | { problem: string } {
  switch (option.kind) {
    case 'boolean':
      return typeof input === 'boolean' ? { value: input } : { problem: `${option.key} must be on or off` };
    case 'choice':
      return typeof input === 'string' && option.choices.includes(input)
        ? { value: input }
        : { problem: `${option.key} must be one of ${option.choices.join(', ')}` };
    case 'number':
    case 'integer': {
      // An option the engine works out per run takes "auto", or nothing, for that.
      if (option.default === AUTO && (input === '' || input === AUTO)) return { value: AUTO };
      const n = typeof input === 'string' && input.trim() !== '' ? Number(input) : NaN;
      if (!Number.isFinite(n)) return { problem: `${option.key} must be a number` };
      if (option.kind === 'integer' && !Number.isInteger(n)) return { problem: `${option.key} must be a whole number` };
      if (n < option.min || n > option.max) return { problem: `${option.key} must lie between ${option.min} and ${option.max}` };
      return { value: n };
    }
  }
}

type Field = { name: string; min: number; max: number; integer: boolean };
const FIELDS: Record<RangedTrainParameter, Field> = {
  iterations: { name: 'Iterations', ...TRAIN_PARAMETER_RANGES.iterations },
  maxMinutes: { name: 'Time budget', ...TRAIN_PARAMETER_RANGES.maxMinutes },
  batchSize: { name: 'Batch size', ...TRAIN_PARAMETER_RANGES.batchSize },
  width: { name: 'Width', ...TRAIN_PARAMETER_RANGES.width },
};

function parseField(field: Field, text: string): { value?: number; problem?: string } {
  if (text.trim() === '') return {};
  const n = Number(text);
  if (!Number.isFinite(n) || (field.integer && !Number.isInteger(n)) || n < field.min || n > field.max) {
    return { problem: `${field.name} must be a${field.integer ? ' whole' : ''} number between ${field.min} and ${field.max}` };
  }
  return { value: n };
}

export type TrainRequest = Request<'jobs.train'>;

/**
 * Turns the form into a `jobs.train` request, or says everything that stops it: no annotated
 * slice, bad option values, a batch smaller than the method needs. Options left at their
 * default are not sent, so the engine's per-network defaults apply under "auto".
 */
export function buildTrainRequest(
  project: ProjectInfo,
  methods: readonly MethodSpec[],
  form: TrainForm,
): { request: TrainRequest; problems: [] } | { request: null; problems: string[] } {
  const problems: string[] = [];
  if (annotatedSliceCount(project) === 0) problems.push('No annotated slice yet: paint at least one slice (or import a label map) before training.');
  const spec = methods.find((m) => m.name === form.method);
  if (!spec) return { request: null, problems: [...problems, `Unknown method ${form.method}`] };
  const methodOptions: Record<string, OptionValue> = {};
  for (const option of spec.options) {
    const input = form.options[option.key] ?? optionDefaultInput(option, networkOf(form.model));
    const parsed = parseOptionInput(option, input);
    if ('problem' in parsed) problems.push(parsed.problem);
    else if (form.model !== 'auto' || input !== optionDefaultInput(option, 'unet2d')) methodOptions[option.key] = parsed.value;
  }
  const numbers: Partial<Record<keyof typeof FIELDS, number>> = {};
  for (const key of Object.keys(FIELDS) as (keyof typeof FIELDS)[]) {
    const parsed = parseField(FIELDS[key], form[key]);
    if (parsed.problem) problems.push(parsed.problem);
    else if (parsed.value !== undefined) numbers[key] = parsed.value;
  }
  if (numbers.batchSize !== undefined && numbers.batchSize < spec.minBatchSize) {
    problems.push(`${spec.label} needs a batch of at least ${spec.minBatchSize} samples`);
  }
  if (problems.length) return { request: null, problems };
  return {
    request: {
      method: spec.name, model: form.model, ...(Object.keys(methodOptions).length ? { methodOptions } : {}), ...numbers,
      ...(form.continueFromCurrent && project.currentModelRunId ? { continueFrom: 'current' as const } : {}),
    },
    problems: [],
  };
}
