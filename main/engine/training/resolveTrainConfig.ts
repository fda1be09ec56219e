/**
 * Turns a TrainRequest into the complete configuration a run uses: checks the input, picks
 * the model and slice axis for 'auto', and fills every unset value from defaults that depend
 * on the backend.
 */
import { batchSizeProblem, MethodOptionError, methodSpec, resolveMethodOptions, type MethodSpec } from '../../../shared/methods.ts';
import { MODEL_CHOICES, type NetworkKind } from '../../../shared/networks.ts';
import { DEFAULT_TIME_BUDGET_MINUTES, type OptimizerName } from '../../../shared/training.ts';
import { AUGMENTATION_POLICIES, type AugmentationPolicy } from '../data/augment2d.ts';
import type { SliceAxis } from '../data/volumeSlice.ts';
import { summarizeAnnotations, type AnnotationSummary } from './annotations.ts';
import { isGpuBackend, type BackendName, type OptimizerConfig, type ResolvedTrainConfig, type TrainRequest } from './trainRequest.ts';
import { TrainingInputError } from './trainingInputError.ts';

export { TrainingInputError };

/** Both networks downsample four times by 2. */
export const SPATIAL_MULTIPLE = 16;

interface BackendDefaults {
  /** Of the poly learning-rate decay; 0 = constant. */
  schedulePower: number;
  width: number;
  batchSize: number;
  /** The network's paper-length run: a budget-planned run takes at most this many iterations. */
  maxIterations: number;
  optimizer: OptimizerName;
  learningRate: number;
  /** Largest 2D crop; slices no larger are used whole. null = always whole slices. */
  sliceCrop: [number, number] | null;
  /** Largest 3D patch; shrunk to the scans. */
  patchSize: [number, number, number];
}

/**
 * Defaults per backend and network. A run's length is planned from the time budget (runPlan.ts);
 * these fix what each step is.
 *
 * `cpu` (tfjs-cpu with Atrium's oneDNN kernels, PyTorch's pace on the same network) and
 * `tensorflow` (libtensorflow on the CPU, unmeasured here, assumed alike): measured on real MRI
 * with `npm run bench:quality` (2 CPU cores; Colin 27 at 2 mm, three annotated axial slices,
 * Dice on four unannotated scans of other subjects; docs/training.md has the tables). The
 * papers' U-Net width 16 on whole slices trains at ~120 ms per supervised step of four 96×112
 * slices, ~2,500 steps in five minutes, and beats width 8 on 64² crops around the annotation
 * (0.28, the old default) by far; SGD 0.01 with poly decay (the papers' setting) generalised
 * better to the other subjects than AdamW at 1e-3 or 1e-2 (0.47 against 0.42 and 0.38, same
 * iterations, three annotated slices; denseDefaults covers scans annotated throughout). Slices
 * larger than 128² (1 mm scans) are cropped to 128² with background context
 * (sliceCrop.ts): a whole 181×217 slice costs ~3× as much per step. The V-Net keeps the papers'
 * setting at width 16 with 64×64×48 patches (~0.5 s a supervised step of two patches).
 *
 * `webgpu` and `tensorflow-gpu` follow the papers: width 16, SGD 0.01 (momentum 0.9, weight decay 1e-4)
 * with poly decay, batch 24 of whole slices (SSL4MIS ACDC U-Net), batch 4 of 112×112×80 patches
 * (UA-MT LA V-Net); 30k and 6k iterations at most.
 */
function backendDefaults(backend: BackendName, kind: NetworkKind): BackendDefaults {
  const unet = kind === 'unet2d';
  const none: [number, number, number] = [0, 0, 0];
  const papers = { schedulePower: 0.9, width: 16, optimizer: 'sgd' as const, learningRate: 0.01, maxIterations: unet ? 30000 : 6000 };
  switch (backend) {
    case 'cpu':
    case 'tensorflow':
      return unet ? { ...papers, batchSize: 4, sliceCrop: [128, 128], patchSize: none } : { ...papers, batchSize: 2, sliceCrop: null, patchSize: [64, 64, 48] };
    case 'webgpu':
    case 'tensorflow-gpu':
      return unet ? { ...papers, batchSize: 24, sliceCrop: null, patchSize: none } : { ...papers, batchSize: 4, sliceCrop: null, patchSize: [112, 112, 80] };
    default:
      throw new TrainingInputError(`unknown backend "${backend as string}": use webgpu, tensorflow-gpu, tensorflow or cpu`);
  }
}

/**
 * Annotations dense throughout (every slice of the annotated scans along every axis: an imported
 * label map, a scan painted through) on a CPU backend: AdamW 1e-3 (poly decay as before). With
 * dozens of annotated slices per scan, SGD 0.01 has not converged in the steps a CPU budget buys;
 * AdamW has. Colin 27 at 2 mm annotated throughout, supervised, 2,350 iterations (five CPU
 * minutes), Dice on four unannotated subjects: AdamW 0.851 and 0.858 (seeds 1, 2) against SGD
 * 0.715 (seed 1; 0.754 and 0.760 in bench:quality's five-minute runs). With three annotated
 * slices AdamW overfits them sooner and SGD stays the default: 0.547 against 0.433 (seed 1,
 * same iterations). docs/training.md has the runs. GPU backends keep the papers' SGD.
 */
function denseDefaults(dense: boolean, backend: BackendName): Partial<BackendDefaults> {
  return dense && !isGpuBackend(backend) ? { optimizer: 'adamw', learningRate: referenceLearningRate.adamw } : {};
}

/**
 * Where a method's paper prescribes its own optimiser (docs/methods.md §3), it replaces the
 * backend's on every backend: CrossMatch's SGD with Nesterov momentum (2D) or AdamW 1e-3 (3D),
 * CAML's constant learning rate and batch of two labelled samples on the GPU.
 */
function methodDefaults(method: MethodSpec, backend: BackendName, kind: NetworkKind): Partial<BackendDefaults> {
  switch (method.name) {
    case 'crossmatch':
      return kind === 'vnet3d' ? { optimizer: 'adamw', learningRate: 1e-3 } : { optimizer: 'sgd', learningRate: 0.01 };
    case 'caml':
      return isGpuBackend(backend)
        ? { optimizer: 'sgd', learningRate: 0.01, schedulePower: 0, batchSize: 2 }
        : { optimizer: 'sgd', learningRate: 0.01, schedulePower: 0 };
    default:
      return {};
  }
}

/** Turns a method-table error into one the user is shown as bad input. */
function checked<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof MethodOptionError) throw new TrainingInputError(error.message);
    throw error;
  }
}

/** Learning rates of the references, for an optimizer the user picked over the backend's default. */
const referenceLearningRate: Record<OptimizerName, number> = { sgd: 0.01, adamw: 1e-3 };

/** @param nesterov for SGD: CrossMatch's 2D setting uses Nesterov momentum. */
function optimizerConfig(name: OptimizerName, learningRate: number, nesterov: boolean): OptimizerConfig {
  switch (name) {
    case 'sgd':
      return { name, learningRate, momentum: 0.9, weightDecay: 1e-4, nesterov };
    case 'adamw':
      // Weight decay as CrossMatch's 3D setting (docs/methods.md §3).
      return { name, learningRate, weightDecay: 1e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    default:
      throw new TrainingInputError(`unknown optimizer "${name as string}": use sgd or adamw`);
  }
}

/**
 * @throws TrainingInputError for anything the user can fix: no annotated voxel, an unknown
 *   model/optimizer/method, non-positive counts, inconsistent arrays, unknown label values.
 */
export function resolveTrainConfig(req: TrainRequest): ResolvedTrainConfig {
  const method = checked(() => methodSpec(req.method));
  if (!(MODEL_CHOICES as readonly string[]).includes(req.model)) {
    throw new TrainingInputError(`unknown model "${req.model as string}": use ${MODEL_CHOICES.join(', ')}`);
  }
  if (req.axis !== undefined && !['i', 'j', 'k'].includes(req.axis)) {
    throw new TrainingInputError(`unknown slice axis "${req.axis as string}": use i, j or k`);
  }
  const classValues = checkClassValues(req.classValues);
  if (req.scans.length === 0) throw new TrainingInputError('no scans to train on');
  const summaries = req.scans.map((v) => summarizeAnnotations(v, new Set([0, ...classValues])));
  const annotated = req.scans.filter((_, n) => summaries[n]!.annotatedVoxels > 0);
  if (annotated.length === 0) {
    throw new TrainingInputError('no annotated slice: paint at least one slice, or import a label map, before training');
  }
  const blank = req.scans.filter((_, n) => !summaries[n]!.hasTissue);
  if (annotated.every((v) => blank.includes(v))) {
    throw new TrainingInputError(
      `the annotated scan${annotated.length > 1 ? 's hold' : ' holds'} no tissue (every voxel has the same value): ` +
        `${annotated.map((v) => v.name ?? v.id).join(', ')} — check the file, or annotate another scan`,
    );
  }
  const labeled = summaries.filter((s) => s.annotatedVoxels > 0);
  const choice = chooseModel(req, labeled);
  const defaults = {
    ...backendDefaults(req.backend.name, choice.model),
    ...denseDefaults(annotatedThroughout(labeled), req.backend.name),
    ...methodDefaults(method, req.backend.name, choice.model),
  };
  const methodOptions = checked(() => resolveMethodOptions(method.name, choice.model, req.methodOptions));
  // The engine needs these positive only: the ranges a person may ask for (TRAIN_PARAMETER_RANGES)
  // are checked where requests come in (API, CLI, Train tab), so that tests and benches can run for seconds.
  const fixedIterations = positiveInteger('iterations', req.iterations);
  const iterations = fixedIterations ?? defaults.maxIterations;
  const maxMinutes = positiveNumber('maxMinutes', req.maxMinutes) ?? (fixedIterations === undefined ? DEFAULT_TIME_BUDGET_MINUTES : null);
  const optimizer = req.optimizer ?? defaults.optimizer;
  const batchSize = positiveInteger('batchSize', req.batchSize) ?? Math.max(defaults.batchSize, method.minBatchSize);
  const tooSmall = batchSizeProblem(method, batchSize);
  if (tooSmall) throw new TrainingInputError(`${method.name} ${tooSmall}`);
  const warnings = [
    ...choice.warnings,
    ...unpaintedClassWarnings(classValues, summaries),
    ...singleSliceClassWarnings(choice, summaries),
    ...blank.map((v) => `scan ${v.name ?? v.id} holds no tissue (every voxel has the same value): nothing is learnt from it`),
  ];
  const extents = annotated.map((v) => v.shape);
  return {
    method: method.name,
    methodOptions,
    model: choice.model,
    modelReason: choice.reason,
    axis: choice.axis,
    iterations,
    length: fixedIterations === undefined ? 'budget' : 'fixed',
    continuedFrom: null,
    lengthCap: defaults.maxIterations,
    maxMinutes,
    batchSize,
    width: positiveInteger('width', req.width) ?? defaults.width,
    seed: integer('seed', req.seed) ?? 1337,
    optimizer: optimizerConfig(
      optimizer,
      positiveNumber('learningRate', req.learningRate) ?? (optimizer === defaults.optimizer ? defaults.learningRate : referenceLearningRate[optimizer]),
      method.name === 'crossmatch' && choice.model === 'unet2d',
    ),
    schedule: { name: 'poly', power: defaults.schedulePower },
    patchSize: choice.model === 'vnet3d' ? resolvePatchSize(req.patchSize, defaults.patchSize, extents) : null,
    sliceCrop: choice.model === 'unet2d' ? resolveSliceCrop(req.sliceCrop, defaults.sliceCrop, extents, choice.axis!) : null,
    augmentation: augmentationPolicy(req.augmentation),
    normalization: 'zscore-nonzero',
    classValues: [0, ...classValues],
    numClasses: classValues.length + 1,
    validationInterval: positiveInteger('validationInterval', req.validationInterval) ?? null,
    checkpointInterval: positiveInteger('checkpointInterval', req.checkpointInterval) ?? null,
    validationFraction: 0.2,
    backend: req.backend.name,
    warnings,
  };
}

interface ModelChoice {
  model: NetworkKind;
  axis: SliceAxis | null;
  reason: string;
  warnings: string[];
}

const axisPreference: readonly SliceAxis[] = ['k', 'j', 'i'];

/**
 * 'auto' trains a 2D U-Net across the axis along which the user painted slices, and a 3D
 * V-Net only when every slice along every axis holds annotation (an imported label map) and
 * the backend is a GPU: sparse slices give a 3D patch too little supervision per step, while a
 * dense label map is exactly what the V-Net papers train on. On the CPU a V-Net step costs
 * several U-Net steps, and in the default time budget the V-Net learns nothing useful from a
 * dense map (docs/training.md, `npm run bench:quality -- --exemplar`), so a dense map trains
 * the 2D U-Net across k, on every slice.
 */
function chooseModel(req: TrainRequest, labeled: AnnotationSummary[]): ModelChoice {
  const stats = axisPreference.map((axis) => {
    const annotatedSlices = labeled.reduce((n, s) => n + count(s.slices[axis]), 0);
    const slices = labeled.reduce((n, s) => n + s.slices[axis].length, 0);
    // Known voxels per voxel of the annotated slices: highest along the painting axis,
    // whose annotated slices are the painted (dense) ones.
    const sliceVoxels = labeled.reduce(
      (n, s) => n + (count(s.slices[axis]) * (s.slices.i.length * s.slices.j.length * s.slices.k.length)) / s.slices[axis].length,
      0,
    );
    const density = labeled.reduce((n, s) => n + s.annotatedVoxels, 0) / sliceVoxels;
    return { axis, annotatedSlices, slices, density };
  });
  const sparse = stats.filter((s) => s.annotatedSlices < s.slices).sort((a, b) => (Math.abs(b.density - a.density) > 1e-9 ? b.density - a.density : 0));
  const describe = (s: (typeof stats)[number]) => `${s.annotatedSlices} of ${s.slices} slices along ${s.axis} are annotated`;
  if (req.model === 'vnet3d') {
    return { model: 'vnet3d', axis: null, reason: 'vnet3d requested', warnings: req.axis ? [`the slice axis ${req.axis} is ignored by the 3D vnet3d`] : [] };
  }
  if (req.axis) {
    const s = stats.find((x) => x.axis === req.axis)!;
    return {
      model: 'unet2d',
      axis: req.axis,
      reason: `unet2d across ${req.axis} (${req.model === 'auto' ? 'axis' : 'model and axis'} requested; ${describe(s)})`,
      warnings: [],
    };
  }
  const best = sparse[0];
  if (req.model === 'unet2d') {
    const axis = best?.axis ?? 'k';
    const why = best ? describe(best) : 'no axis has unannotated slices, k by default';
    return { model: 'unet2d', axis, reason: `unet2d requested; across ${axis}: ${why}`, warnings: [] };
  }
  if (best) return { model: 'unet2d', axis: best.axis, reason: `auto: ${describe(best)}, so a 2D U-Net across ${best.axis}`, warnings: [] };
  if (isGpuBackend(req.backend.name)) {
    return { model: 'vnet3d', axis: null, reason: 'auto: every slice along every axis holds annotation, so a 3D V-Net', warnings: [] };
  }
  return {
    model: 'unet2d',
    axis: 'k',
    reason: 'auto: every slice is annotated, so a 2D U-Net across k on all of them (a 3D V-Net needs a GPU to learn in the time budget)',
    warnings: [],
  };
}

/** Whether every slice along every axis of the annotated scans holds annotation. */
function annotatedThroughout(labeled: AnnotationSummary[]): boolean {
  return labeled.length > 0 && axisPreference.every((axis) => labeled.every((s) => count(s.slices[axis]) === s.slices[axis].length));
}

function unpaintedClassWarnings(classValues: number[], summaries: AnnotationSummary[]): string[] {
  const painted = new Set(summaries.flatMap((s) => [...s.paintedValues]));
  const missing = classValues.filter((c) => !painted.has(c));
  return missing.length === 0
    ? []
    : [
        `class value${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} never painted: the model will hardly ever predict ${missing.length > 1 ? 'them' : 'it'}`,
      ];
}

/**
 * A 2D model learns a class from the slices it is painted on: painted on one slice only, the
 * model sees a single example of its shape and will rarely find it on other slices or scans.
 */
function singleSliceClassWarnings(choice: ModelChoice, summaries: AnnotationSummary[]): string[] {
  if (choice.model !== 'unet2d' || !choice.axis) return [];
  const counts = new Map<number, number>();
  for (const s of summaries) {
    for (const [value, slices] of s.classSlices) counts.set(value, (counts.get(value) ?? 0) + count(slices[choice.axis]));
  }
  return [...counts]
    .filter(([, n]) => n === 1)
    .sort(([a], [b]) => a - b)
    .map(
      ([value]) =>
        `class value ${value} is painted on one slice only: the model sees a single example of it; paint it on two or three slices across its extent`,
    );
}

function checkClassValues(values: number[]): number[] {
  if (!Array.isArray(values) || values.length === 0) throw new TrainingInputError('the project has no label classes to train');
  for (const v of values) {
    if (!Number.isInteger(v) || v < 1 || v > 254) throw new TrainingInputError(`class value ${v} is not an integer in 1…254`);
  }
  if (new Set(values).size !== values.length) throw new TrainingInputError(`class values repeat: ${values.join(', ')}`);
  return [...values];
}

/** The requested or default patch, each axis shrunk to the largest annotated scan rounded up to 16. */
function resolvePatchSize(
  requested: [number, number, number] | undefined,
  fallback: [number, number, number],
  extents: [number, number, number][],
): [number, number, number] {
  if (requested) return checkMultiples('patchSize', requested) as [number, number, number];
  return fallback.map((p, a) => Math.min(p, roundUp(Math.max(...extents.map((e) => e[a]!))))) as [number, number, number];
}

/** The requested or default crop, or null when every slice fits in it (whole slices then). */
function resolveSliceCrop(
  requested: [number, number] | 'none' | undefined,
  fallback: [number, number] | null,
  extents: [number, number, number][],
  axis: SliceAxis,
): [number, number] | null {
  if (requested === 'none') return null;
  const crop = requested ? (checkMultiples('sliceCrop', requested) as [number, number]) : fallback;
  if (!crop) return null;
  // A slice across k is [nj, ni], across j [nk, ni], across i [nk, nj] (volumeSlice.ts).
  const [rowAxis, columnAxis] = axis === 'k' ? [1, 0] : axis === 'j' ? [2, 0] : [2, 1];
  const height = Math.max(...extents.map((e) => e[rowAxis]!));
  const width = Math.max(...extents.map((e) => e[columnAxis]!));
  return height <= crop[0] && width <= crop[1] ? null : crop;
}

function augmentationPolicy(requested: string | undefined): AugmentationPolicy {
  if (requested === undefined) return 'mri';
  if (!(AUGMENTATION_POLICIES as readonly string[]).includes(requested)) {
    throw new TrainingInputError(`unknown augmentation "${requested}": use ${AUGMENTATION_POLICIES.join(' or ')}`);
  }
  return requested as AugmentationPolicy;
}

function checkMultiples(name: string, sizes: number[]): number[] {
  if (!sizes.every((n) => Number.isInteger(n) && n > 0 && n % SPATIAL_MULTIPLE === 0)) {
    throw new TrainingInputError(`${name} [${sizes.join(', ')}] must hold positive multiples of ${SPATIAL_MULTIPLE}`);
  }
  return [...sizes];
}

function roundUp(n: number): number {
  return Math.ceil(n / SPATIAL_MULTIPLE) * SPATIAL_MULTIPLE;
}

function count(flags: Uint8Array): number {
  let n = 0;
  for (const f of flags) n += f;
  return n;
}

function positiveInteger(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) throw new TrainingInputError(`${name} must be a positive integer (got ${value})`);
  return value;
}

function positiveNumber(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0) throw new TrainingInputError(`${name} must be a positive number (got ${value})`);
  return value;
}

function integer(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value)) throw new TrainingInputError(`${name} must be an integer (got ${value})`);
  return value;
}
