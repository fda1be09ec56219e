import type { Request } from '../../../shared/api.ts';
import {
  AUTO,
  batchSizeProblem,
  DEFAULT_METHOD,
  optionDefault,
  parseOptionValue,
  type MethodName,
  type MethodOptionSpec,
  type MethodSpec,
  type OptionValue,
} from '../../../shared/methods.ts';
import type { ModelChoice, NetworkKind } from '../../../shared/networks.ts';
import { AXES, type ProjectInfo } from '../../../shared/types.ts';
import { CONTINUE_FROM_CURRENT_BY_DEFAULT, trainParameterProblem, type RangedTrainParameter } from '../../../shared/training.ts';

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
  return project.scans.reduce((sum, v) => sum + AXES.reduce((s, a) => s + v.annotatedSlices[a], 0), 0);
}

/** Number of slices painted but not confirmed complete, over all scans and axes: training leaves them out. */
export function paintedSliceCount(project: ProjectInfo): number {
  return project.scans.reduce((sum, v) => sum + AXES.reduce((s, a) => s + v.paintedSlices[a], 0), 0);
}

/** The network the defaults of a choice stand for ("auto" shows the 2D defaults, the engine's usual pick). */
export function networkOf(model: ModelChoice): NetworkKind {
  return model === 'vnet3d' ? 'vnet3d' : 'unet2d';
}

/** An option's default as the form shows it. */
export function optionDefaultInput(option: MethodOptionSpec, network: NetworkKind): string | boolean {
  const value = optionDefault(option, network);
  return typeof value === 'boolean' ? value : String(value);
}

/** The form one click sends: DEFAULT_METHOD with its options at their defaults, everything else left to the engine. */
export function initialForm(methods: readonly MethodSpec[]): TrainForm {
  const method = DEFAULT_METHOD;
  return {
    method,
    model: 'auto',
    options: defaultOptions(methods, method, 'auto'),
    iterations: '',
    maxMinutes: '',
    batchSize: '',
    width: '',
    continueFromCurrent: CONTINUE_FROM_CURRENT_BY_DEFAULT,
  };
}

/** Every option of `method` at its default, as form inputs. */
export function defaultOptions(methods: readonly MethodSpec[], method: MethodName, model: ModelChoice): Record<string, string | boolean> {
  const spec = methods.find((m) => m.name === method);
  return Object.fromEntries((spec?.options ?? []).map((o) => [o.key, optionDefaultInput(o, networkOf(model))]));
}

/**
 * Checks one option input against its spec (shared/methods.ts, as the engine checks it).
 * @returns the value to send, or a problem naming the option and the allowed values.
 */
export function parseOptionInput(option: MethodOptionSpec, input: string | boolean): { value: OptionValue } | { problem: string } {
  // An empty field of an option the engine works out per run means "auto": a number field cannot show the word.
  const parsed = parseOptionValue(option, option.default === AUTO && input === '' ? AUTO : input);
  return 'problem' in parsed ? { problem: `${option.key} ${parsed.problem}` } : parsed;
}

/** The form's names of the ranged parameters, for its messages. */
const FIELD_NAMES: Record<RangedTrainParameter, string> = {
  iterations: 'Iterations',
  maxMinutes: 'Time budget',
  batchSize: 'Batch size',
  width: 'Width',
};

function parseField(key: RangedTrainParameter, text: string): { value?: number; problem?: string } {
  if (text.trim() === '') return {};
  const n = Number(text);
  const problem = trainParameterProblem(key, n);
  return problem ? { problem: `${FIELD_NAMES[key]} ${problem}` } : { value: n };
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
  if (annotatedSliceCount(project) === 0)
    problems.push('No annotated slice yet: paint a slice and mark it complete (Enter), or import a label map, before training.');
  const spec = methods.find((m) => m.name === form.method);
  if (!spec) return { request: null, problems: [...problems, `Unknown method ${form.method}`] };
  const methodOptions: Record<string, OptionValue> = {};
  for (const option of spec.options) {
    const input = form.options[option.key] ?? optionDefaultInput(option, networkOf(form.model));
    const parsed = parseOptionInput(option, input);
    if ('problem' in parsed) problems.push(parsed.problem);
    else if (form.model !== 'auto' || input !== optionDefaultInput(option, 'unet2d')) methodOptions[option.key] = parsed.value;
  }
  const numbers: Partial<Record<RangedTrainParameter, number>> = {};
  for (const key of Object.keys(FIELD_NAMES) as RangedTrainParameter[]) {
    const parsed = parseField(key, form[key]);
    if (parsed.problem) problems.push(parsed.problem);
    else if (parsed.value !== undefined) numbers[key] = parsed.value;
  }
  const tooSmall = numbers.batchSize === undefined ? null : batchSizeProblem(spec, numbers.batchSize);
  if (tooSmall) problems.push(`${spec.label} ${tooSmall}`);
  if (problems.length) return { request: null, problems };
  return {
    request: {
      method: spec.name,
      model: form.model,
      ...(Object.keys(methodOptions).length ? { methodOptions } : {}),
      ...numbers,
      ...(form.continueFromCurrent && project.currentModelRunId ? { continueFrom: 'current' as const } : {}),
    },
    problems: [],
  };
}
