import type { IntensityInfo, WindowRange } from './viewTypes.ts';

export interface WindowPreset {
  id: string;
  label: string;
  /** What the preset shows, for its tooltip. */
  description: string;
  /** Which scans it is offered for: MRI-relative presets mean nothing on CT, and CT's on MRI. */
  scans: 'any' | 'mri' | 'ct';
  range(intensity: IntensityInfo): WindowRange;
}

/** `from`..`to` as fractions of the scan's robust range (its automatic window). */
function ofRobust({ initial }: IntensityInfo, from: number, to: number): WindowRange {
  const width = initial.max - initial.min;
  return { min: initial.min + from * width, max: initial.min + to * width };
}

/** A CT window by its level (centre) and width, both in Hounsfield units. */
function hounsfield(level: number, width: number): () => WindowRange {
  return () => ({ min: level - width / 2, max: level + width / 2 });
}

/**
 * Whether a scan's intensities look like CT in Hounsfield units: air near −1000 (CT scanners
 * store −1024 or below outside the body) and bone or contrast above +1000. MRI magnitude images
 * are not negative, and rescaled ones do not reach −900.
 */
export function looksLikeCt({ dataMin, dataMax }: IntensityInfo): boolean {
  return dataMin <= -900 && dataMax >= 1000;
}

/**
 * Window presets. MRI intensities have no absolute unit (unlike CT's Hounsfield units), so each
 * preset is a part of the scan's robust range: the 0.5–99.5 % percentiles of its non-zero voxels,
 * the automatic window the scan opens with. Fractions rather than intensities, so one preset
 * suits T1, T2 or any scaling; a skull-stripped T1 has its white matter near the top of the range.
 */
export const WINDOW_PRESETS: readonly WindowPreset[] = [
  {
    id: 'auto',
    label: 'Auto',
    scans: 'any',
    description: 'The robust range: 0.5–99.5 % of the non-zero intensities (the window the scan opens with)',
    range: (intensity) => ({ ...intensity.initial }),
  },
  {
    id: 'brain',
    label: 'Brain',
    scans: 'mri',
    description:
      'Brain MRI: 20–100 % of the robust range. The darkest fifth (background, CSF on T1) turns black, which spreads grey and white matter apart; nothing bright is clipped, so white matter of a skull-stripped T1 stays unsaturated',
    range: (intensity) => ofRobust(intensity, 0.2, 1),
  },
  {
    id: 'wide',
    label: 'Wide',
    scans: 'any',
    description: 'The robust range widened by a quarter each side (−25–125 %): softer contrast, bright outliers and dark detail kept visible',
    range: (intensity) => ofRobust(intensity, -0.25, 1.25),
  },
  {
    id: 'full',
    label: 'Full range',
    scans: 'any',
    description: 'Every intensity of the scan, lowest to highest: nothing clipped, outliers included',
    range: ({ dataMin, dataMax }) => ({ min: dataMin, max: dataMax }),
  },
  // CT: the usual level/width pairs of radiology, in Hounsfield units (absolute, unlike MRI)
  {
    id: 'ct-brain',
    label: 'CT brain',
    scans: 'ct',
    description: 'CT brain window: level 40, width 80 HU (0 to 80): grey and white matter, blood',
    range: hounsfield(40, 80),
  },
  {
    id: 'ct-soft-tissue',
    label: 'CT soft tissue',
    scans: 'ct',
    description: 'CT soft-tissue window: level 40, width 400 HU (−160 to 240): organs, muscle, fat',
    range: hounsfield(40, 400),
  },
  {
    id: 'ct-bone',
    label: 'CT bone',
    scans: 'ct',
    description: 'CT bone window: level 400, width 1800 HU (−500 to 1300): cortical and trabecular bone',
    range: hounsfield(400, 1800),
  },
  {
    id: 'ct-lung',
    label: 'CT lung',
    scans: 'ct',
    description: 'CT lung window: level −600, width 1500 HU (−1350 to 150): lung parenchyma and airways',
    range: hounsfield(-600, 1500),
  },
];

/** The presets offered for a scan: the MRI ones, or the CT ones when it looks like CT (looksLikeCt). */
export function presetsFor(intensity: IntensityInfo): WindowPreset[] {
  const kind = looksLikeCt(intensity) ? 'ct' : 'mri';
  return WINDOW_PRESETS.filter((p) => p.scans === 'any' || p.scans === kind);
}

/** The offered preset whose window `window` is (to 0.1 % of the robust width), or null for a window of one's own. */
export function presetOf(window: WindowRange, intensity: IntensityInfo): WindowPreset | null {
  const tolerance = Math.abs(intensity.initial.max - intensity.initial.min) * 1e-3;
  return (
    presetsFor(intensity).find((p) => {
      const r = p.range(intensity);
      return Math.abs(r.min - window.min) <= tolerance && Math.abs(r.max - window.max) <= tolerance;
    }) ?? null
  );
}
