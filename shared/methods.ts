/**
 * The training methods Atrium offers and the options each one takes (docs/methods.md §3): one
 * table that the engine validates requests against, the CLI parses `--option key=value`
 * with, and the UI lists. Plain data and pure functions only.
 */

import type { NetworkKind } from './networks.ts';

export const METHOD_NAMES = ['supervised', 'mean-teacher', 'ua-mt', 'cps', 'crossmatch', 'caml', 'contrastive', 'exemplar'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

export type OptionValue = number | boolean | string;
/** A default that differs between the 2D and the 3D setting of a paper. */
export type PerNetwork<T> = T | Record<NetworkKind, T>;

/** The value of an option whose default the engine works out for each run (e.g. from the run's length). */
export const AUTO = 'auto';

/** An option of a method: `key` is its code name (the API's and the CLI's), `label` its name in the UI. */
export type MethodOptionSpec =
  | { key: string; label: string; kind: 'number'; default: PerNetwork<number> | typeof AUTO; min: number; max: number; description: string }
  | { key: string; label: string; kind: 'integer'; default: PerNetwork<number>; min: number; max: number; description: string }
  | { key: string; label: string; kind: 'boolean'; default: PerNetwork<boolean>; description: string }
  | { key: string; label: string; kind: 'choice'; default: PerNetwork<string>; choices: readonly string[]; description: string };

export interface MethodSpec {
  name: MethodName;
  /** For menus. */
  label: string;
  /** One line for the method list. */
  description: string;
  /** The paper or report it follows. */
  reference: string;
  /**
   * What `npm run bench:quality` measured, for the method list, in the setting MEASURED_SETTING
   * names: mean Dice with three annotated slices / with one scan annotated throughout, against
   * supervised training in the same runs, and why it ends there. The tables are in docs/training.md.
   */
  measured: string;
  /** Whether it learns from unannotated slices/scans. */
  usesUnlabeled: boolean;
  /** Smallest batch it can train with (CAML's inter-sample attention needs two samples). */
  minBatchSize: number;
  options: readonly MethodOptionSpec[];
}

export type ResolvedMethodOptions = Record<string, OptionValue>;

/**
 * The method one click on Train uses: the one that wins on real multi-scan MRI at the default
 * time budget (`npm run bench:quality`, docs/training.md has the table), revisited when the
 * benchmark changes. On two CPU cores and five minutes, supervised training with the mri
 * augmentation gives the best Dice on unannotated scans of other subjects (0.54 on seed 1; Mean
 * Teacher 0.47, CPS 0.53, UA-MT 0.47): a semi-supervised step costs 2–10× a supervised one,
 * and the budget buys each method too few of them to gain from the unannotated slices. The
 * semi-supervised methods stay a choice in the Train tab's Advanced section.
 */
export const DEFAULT_METHOD: MethodName = 'supervised';

const rampFraction: MethodOptionSpec = {
  key: 'rampFraction',
  label: 'Unsupervised ramp-up share',
  kind: 'number',
  default: AUTO,
  min: 0.01,
  max: 10,
  description:
    'share of the run over which the unsupervised weight ramps up; auto: 30 % in a short run, growing to the whole run (as the references) at their length',
};

/** Mean Teacher's options, which UA-MT shares. */
const teacherOptions: readonly MethodOptionSpec[] = [
  { key: 'emaDecay', label: 'Teacher EMA decay', kind: 'number', default: 0.99, min: 0, max: 0.99999, description: 'largest EMA decay α of the teacher' },
  {
    key: 'noise',
    label: 'Teacher input noise',
    kind: 'number',
    default: 0.1,
    min: 0,
    max: 10,
    description: 'standard deviation of the teacher input noise (clipped at 2×)',
  },
  {
    key: 'consistencyWeight',
    label: 'Consistency loss weight',
    kind: 'number',
    default: 0.1,
    min: 0,
    max: 100,
    description: 'final weight λ of the consistency loss',
  },
];

/** What every method's `measured` line refers to; shown once above the method list. */
export const MEASURED_SETTING =
  'Measured on real brain MRI (Colin 27, deep grey nuclei): mean Dice on unannotated scans of other subjects after five-minute runs on two CPU cores, with three annotated slices / with one scan annotated throughout. One seed each; seeds of one method differed by up to 0.15.';

export const METHODS: readonly MethodSpec[] = [
  {
    name: 'supervised',
    label: 'Supervised',
    description: 'Trains on the annotated slices only: the baseline every other method must beat.',
    reference: 'U-Net (Ronneberger 2015) / V-Net (Milletari 2016)',
    measured: '0.54–0.60 / 0.84–0.85: the best here, so one click trains it.',
    usesUnlabeled: false,
    minBatchSize: 1,
    options: [],
  },
  {
    name: 'mean-teacher',
    label: 'Mean Teacher',
    description: 'A teacher that averages the student over time; the student matches its predictions on noisy unannotated data.',
    reference: 'Tarvainen & Valpola 2017; Yu et al. 2019 (UA-MT code)',
    measured:
      "0.47 / 0.77 against supervised's 0.54 / 0.85: a step costs about two supervised ones. Over 6,000 steps (a GPU, or ~30 min on two cores), three slices: 0.48–0.55 against supervised's 0.52–0.63, still below.",
    usesUnlabeled: true,
    minBatchSize: 1,
    options: [...teacherOptions, rampFraction],
  },
  {
    name: 'ua-mt',
    label: 'UA-MT',
    description: 'Mean Teacher whose consistency only counts where the teacher is certain (entropy over several dropout passes).',
    reference: 'Yu et al. 2019, Uncertainty-aware self-ensembling model',
    measured: "0.47 / 0.55 against supervised's 0.54 / 0.85: a step costs about five supervised ones.",
    usesUnlabeled: true,
    minBatchSize: 1,
    options: [
      ...teacherOptions,
      {
        key: 'passes',
        label: 'Uncertainty passes',
        kind: 'integer',
        default: 8,
        min: 2,
        max: 32,
        description: 'stochastic teacher passes T for the uncertainty',
      },
      rampFraction,
    ],
  },
  {
    name: 'cps',
    label: 'Cross Pseudo Supervision',
    description: 'Two differently initialised networks teach each other with hard pseudo-labels.',
    reference: 'Chen et al. 2021, Semi-supervised semantic segmentation with cross pseudo supervision',
    measured:
      "0.53 / 0.60 against supervised's 0.54 / 0.85: a step costs about three supervised ones. Over 6,000 steps (a GPU, or ~45 min on two cores), three slices: 0.71–0.73 against supervised's 0.52–0.63, the best measured.",
    usesUnlabeled: true,
    minBatchSize: 1,
    options: [
      {
        key: 'consistencyWeight',
        label: 'Cross pseudo-label weight',
        kind: 'number',
        default: 0.1,
        min: 0,
        max: 100,
        description: 'final weight λ of the cross pseudo-label loss',
      },
      { key: 'adaptiveWeight', label: 'Adaptive weight (ALW)', kind: 'boolean', default: false, description: 'scale λ by the recent supervised Dice (ALW)' },
      { key: 'lovasz', label: 'Lovász-softmax loss', kind: 'boolean', default: false, description: 'add the Lovász-softmax loss to the supervised loss' },
      rampFraction,
    ],
  },
  {
    name: 'crossmatch',
    label: 'CrossMatch',
    description: 'Image and feature perturbations with self-knowledge distillation from the clean weak view.',
    reference: 'Zhao et al. 2024, CrossMatch (seed 001)',
    measured: '0.00 / 0.00: the ~200 steps of ~1.4 s it makes teach it nothing yet; for a GPU or a much longer budget.',
    usesUnlabeled: true,
    minBatchSize: 1,
    options: [
      {
        key: 'threshold',
        label: 'Confidence threshold',
        kind: 'number',
        default: { unet2d: 0.95, vnet3d: 0.75 },
        min: 0,
        max: 1,
        description: 'teacher confidence τ a voxel needs to count; with the reference schedule its starting τ₀ (0.75 in the LA script)',
      },
      {
        key: 'thresholdSchedule',
        label: 'Confidence threshold schedule',
        kind: 'choice',
        default: { unet2d: 'fixed', vnet3d: 'reference' },
        choices: ['fixed', 'reference'],
        description:
          "fixed τ (the ACDC code, and the paper's 0.85 for LA) or the LA code's threshold ramped over the run, which produced the published 3D results",
      },
      {
        key: 'eta',
        label: 'Teaching-assistant share',
        kind: 'number',
        default: 0.3,
        min: 0,
        max: 1,
        description: 'share η of the teaching-assistant loss in L_kd',
      },
      {
        key: 'kappa',
        label: 'Distillation weight',
        kind: 'number',
        default: { unet2d: 0.5, vnet3d: 1 },
        min: 0,
        max: 10,
        description: 'weight κ of the distillation loss',
      },
      {
        key: 'weakDropout',
        label: 'Weak feature dropout',
        kind: 'number',
        default: 0.25,
        min: 0,
        max: 0.95,
        description: 'channel dropout rate of the weak feature perturbation',
      },
      {
        key: 'strongDropout',
        label: 'Strong feature dropout',
        kind: 'number',
        default: 0.75,
        min: 0,
        max: 0.95,
        description: 'channel dropout rate of the strong feature perturbation',
      },
      { key: 'ce', label: 'Add cross-entropy', kind: 'boolean', default: false, description: 'add cross-entropy to the masked Dice criterion' },
    ],
  },
  {
    name: 'caml',
    label: 'CAML',
    description: 'Two heterogeneous networks with cross-sample attention and omni-correlation to a labelled feature bank.',
    reference: 'Gao et al. 2023, Correlation-aware mutual learning (seed 000)',
    measured: '0.02 / 0.00: the ~160–190 steps of ~1.5 s it makes teach it nothing yet; for a GPU or a much longer budget.',
    usesUnlabeled: true,
    minBatchSize: 2,
    options: [
      {
        key: 'consistency',
        label: 'Mutual loss',
        kind: 'choice',
        default: 'sharpened-mse',
        choices: ['sharpened-mse', 'cps'],
        description: 'mutual loss: sharpened MSE (reference code) or hard cross pseudo-labels (paper)',
      },
      {
        key: 'similarity',
        label: 'Prototype similarity',
        kind: 'choice',
        default: 'cosine',
        choices: ['cosine', 'dot'],
        description: 'similarity of embeddings to prototypes: cosine (paper) or dot product (reference code)',
      },
      {
        key: 'embeddingDim',
        label: 'Embedding size',
        kind: 'integer',
        default: 32,
        min: 4,
        max: 256,
        description: 'projection embedding size (32 in the code, 64 in the paper)',
      },
      {
        key: 'temperature',
        label: 'Omni-correlation temperature',
        kind: 'number',
        default: 0.1,
        min: 0.001,
        max: 10,
        description: 'omni-correlation softmax temperature',
      },
      {
        key: 'prototypes',
        label: 'Prototypes per class',
        kind: 'integer',
        default: 256,
        min: 1,
        max: 100000,
        description: 'labelled prototypes drawn per class and step',
      },
      {
        key: 'topK',
        label: 'Unlabelled embeddings kept',
        kind: 'integer',
        default: 12800,
        min: 1,
        max: 10000000,
        description: 'most confident unlabelled embeddings kept per class',
      },
      { key: 'mutualWeight', label: 'Mutual loss weight', kind: 'number', default: 1, min: 0, max: 100, description: 'final weight λ_c of the mutual loss' },
      {
        key: 'omniWeight',
        label: 'Omni-correlation weight',
        kind: 'number',
        default: 0.05,
        min: 0,
        max: 100,
        description: 'final weight λ_o of the omni-correlation loss',
      },
      { key: 'diceCe', label: 'Dice + cross-entropy', kind: 'boolean', default: false, description: 'supervised loss Dice + CE instead of Dice alone' },
      rampFraction,
    ],
  },
  {
    name: 'contrastive',
    label: 'Pseudo-label contrastive',
    description:
      'After a supervised warm-up, pulls each pixel embedding toward the mean embedding of its (pseudo-)label class in two intensity views and another image; pseudo-labels from a frozen copy of the network, renewed in rounds.',
    reference: 'Chaitanya et al. 2023, local contrastive loss with pseudo-labels (seed 003)',
    measured:
      "0.30–0.32 / 0.85 against supervised's 0.56–0.60 / 0.85: level with a scan annotated throughout, far below with a few annotated slices (true labels alone too).",
    usesUnlabeled: true,
    minBatchSize: 1,
    options: [
      {
        key: 'contrastiveWeight',
        label: 'Contrastive loss weight',
        kind: 'number',
        default: 0.1,
        min: 0,
        max: 100,
        description: 'weight λ of the local contrastive loss after the warm-up (the reference: 0.1)',
      },
      {
        key: 'temperature',
        label: 'Contrastive temperature',
        kind: 'number',
        default: 0.1,
        min: 0.001,
        max: 10,
        description: 'softmax temperature of the contrastive loss',
      },
      {
        key: 'anchorsPerClass',
        label: 'Anchor pixels per class',
        kind: 'integer',
        default: 3,
        min: 1,
        max: 1000,
        description: 'pixels drawn per foreground class and image as anchors against the class means (the reference: 3)',
      },
      {
        key: 'embeddingDim',
        label: 'Embedding size',
        kind: 'integer',
        default: 16,
        min: 4,
        max: 256,
        description: 'projection embedding size (the reference: 16)',
      },
      {
        key: 'threshold',
        label: 'Pseudo-label confidence',
        kind: 'number',
        default: 0,
        min: 0,
        max: 1,
        description: 'confidence a pseudo-label needs to take part (0: every pixel, as the reference)',
      },
      {
        key: 'baselineShare',
        label: 'Supervised warm-up share',
        kind: 'number',
        default: 0.25,
        min: 0,
        max: 0.9,
        description: 'share of the run trained on the annotations alone before the first pseudo-labels (the reference: 5,000 of 20,000 iterations)',
      },
      {
        key: 'rounds',
        label: 'Pseudo-label rounds',
        kind: 'integer',
        default: 3,
        min: 1,
        max: 20,
        description: 'times the pseudo-labels are made again from the network, at the start of equal parts of the rest of the run (the reference: 3)',
      },
    ],
  },
  {
    name: 'exemplar',
    label: 'Exemplar (CMEMS)',
    description:
      'For one scan annotated throughout: two networks learn from it, from synthetic scans made from it, and from each other on the unannotated scans.',
    reference: 'En & Guo 2024, Cross-model mutual learning for exemplar-based segmentation (seed 004)',
    measured: "not measured / 0.70–0.78 against supervised's 0.84–0.85, in its own setting: level at equal steps, but each costs about 3.4 supervised ones.",
    usesUnlabeled: true,
    minBatchSize: 1,
    options: [
      {
        key: 'threshold',
        label: 'Pseudo-label confidence',
        kind: 'number',
        default: 0.95,
        min: 0,
        max: 1,
        description: 'confidence τ a pseudo-label needs to teach the other network',
      },
      {
        key: 'imageWeight',
        label: 'Image-perturbation weight',
        kind: 'number',
        default: 1,
        min: 0,
        max: 100,
        description: 'final weight λ_img of the image-perturbation mutual loss',
      },
      {
        key: 'featureWeight',
        label: 'Feature-perturbation weight',
        kind: 'number',
        default: 1,
        min: 0,
        max: 100,
        description: 'final weight λ_feat of the feature-perturbation mutual loss',
      },
      {
        key: 'featureDropout',
        label: 'Feature-perturbation dropout',
        kind: 'number',
        default: 0.5,
        min: 0,
        max: 0.95,
        description: 'channel dropout rate of the feature perturbation at every level',
      },
      {
        key: 'pasteMargin',
        label: 'Context pasted (voxels)',
        kind: 'integer',
        default: 4,
        min: 0,
        max: 32,
        description: 'voxels of context pasted around the exemplar structures in the unannotated images',
      },
      {
        key: 'mutualLoss',
        label: 'Mutual-learning loss',
        kind: 'choice',
        default: 'ce',
        choices: ['ce', 'ce-dice'],
        description: 'loss of the pseudo-labels on the other network: cross-entropy (the paper) or ½ (cross-entropy + Dice), over the confident voxels',
      },
      {
        key: 'syntheticScans',
        label: 'Scans synthesised from the exemplar',
        kind: 'integer',
        default: 8,
        min: 0,
        max: 32,
        description: 'annotated scans made from the exemplar by random 3D deformation before training, and trained on with it',
      },
      rampFraction,
    ],
  },
];

export class MethodOptionError extends Error {
  override name = 'MethodOptionError';
}

export function methodSpec(name: string): MethodSpec {
  const spec = METHODS.find((m) => m.name === name);
  if (!spec) throw new MethodOptionError(`unknown training method "${name}": use ${METHOD_NAMES.join(', ')}`);
  return spec;
}

/** The option's default for `network`; AUTO where the engine works it out per run. */
export function optionDefault(option: MethodOptionSpec, network: NetworkKind): OptionValue {
  const d = option.default;
  return typeof d === 'object' ? d[network] : d;
}

/**
 * Every option of `method` for `network`: the given values checked and converted (strings
 * from a command line are accepted for every kind), the rest from the defaults.
 * @throws MethodOptionError naming the key for unknown keys, wrong types and values out of range.
 */
export function resolveMethodOptions(method: string, network: NetworkKind, given: Readonly<Record<string, OptionValue>> = {}): ResolvedMethodOptions {
  const spec = methodSpec(method);
  const known = new Set(spec.options.map((o) => o.key));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) {
      const list = spec.options.length ? `: ${spec.name} takes ${[...known].join(', ')}` : `: ${spec.name} takes no options`;
      throw new MethodOptionError(`unknown option "${key}" for ${spec.name}${list}`);
    }
  }
  const out: ResolvedMethodOptions = {};
  for (const option of spec.options) {
    out[option.key] = option.key in given ? convert(spec.name, option, given[option.key]!) : optionDefault(option, network);
  }
  return out;
}

function convert(method: string, option: MethodOptionSpec, value: OptionValue): OptionValue {
  const parsed = parseOptionValue(option, value);
  if ('problem' in parsed) throw new MethodOptionError(`option ${option.key} of ${method} ${parsed.problem}`);
  return parsed.value;
}

/**
 * One value of `option` checked and converted: numbers and booleans may come as text (a
 * command line, a form field), AUTO stands for itself where the engine works the value out.
 * @returns the value, or what is wrong with it in words that follow the option's key
 *   ("must lie in 0…10 (got 11)"): the one wording of the engine, the CLI and the Train tab.
 */
export function parseOptionValue(option: MethodOptionSpec, value: OptionValue): { value: OptionValue } | { problem: string } {
  switch (option.kind) {
    case 'number':
    case 'integer': {
      if (option.default === AUTO && value === AUTO) return { value: AUTO };
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) return { problem: `must be a number${option.default === AUTO ? ' or auto' : ''} (got "${value}")` };
      if (option.kind === 'integer' && !Number.isInteger(n)) return { problem: `must be an integer (got ${n})` };
      if (n < option.min || n > option.max) return { problem: `must lie in ${option.min}…${option.max} (got ${n})` };
      return { value: n };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { value };
      if (value === 'true' || value === '1') return { value: true };
      if (value === 'false' || value === '0') return { value: false };
      return { problem: `must be true or false (got "${value}")` };
    }
    case 'choice': {
      if (typeof value !== 'string' || !option.choices.includes(value)) {
        return { problem: `must be one of ${option.choices.join(', ')} (got "${value}")` };
      }
      return { value };
    }
  }
}

/**
 * Whether `method` can train with batches of `batchSize` labelled samples.
 * @returns null, or the problem in words that follow the method's name.
 */
export function batchSizeProblem(method: MethodSpec, batchSize: number): string | null {
  return batchSize < method.minBatchSize ? `needs a batch of at least ${method.minBatchSize} samples (got ${batchSize})` : null;
}

/** Parses `key=value` words (the CLI's `--option`) into a record for resolveMethodOptions. */
export function parseOptionWords(words: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new MethodOptionError(`"${word}" is not key=value`);
    out[word.slice(0, eq).trim()] = word.slice(eq + 1).trim();
  }
  return out;
}
