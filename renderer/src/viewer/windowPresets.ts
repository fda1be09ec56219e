import type { IntensityInfo, WindowRange } from './viewTypes.ts';

export interface WindowPreset {
  id: string;
  label: string;
  /** What the preset shows, for its tooltip. */
  description: string;
  range(intensity: IntensityInfo): WindowRange;
}

/** `from`..`to` as fractions of the scan's robust range (its automatic window). */
function ofRobust({ initial }: IntensityInfo, from: number, to: number): WindowRange {
  const width = initial.max - initial.min;
  return { min: initial.min + from * width, max: initial.min + to * width };
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
    description: 'The robust range: 0.5–99.5 % of the non-zero intensities (the window the scan opens with)',
    range: (intensity) => ({ ...intensity.initial }),
  },
  {
    id: 'brain',
    label: 'Brain',
    description:
      'Brain MRI: 20–100 % of the robust range. The darkest fifth (background, CSF on T1) turns black, which spreads grey and white matter apart; nothing bright is clipped, so white matter of a skull-stripped T1 stays unsaturated',
    range: (intensity) => ofRobust(intensity, 0.2, 1),
  },
  {
    id: 'wide',
    label: 'Wide',
    description: 'The robust range widened by a quarter each side (−25–125 %): softer contrast, bright outliers and dark detail kept visible',
    range: (intensity) => ofRobust(intensity, -0.25, 1.25),
  },
  {
    id: 'full',
    label: 'Full range',
    description: 'Every intensity of the scan, lowest to highest: nothing clipped, outliers included',
    range: ({ dataMin, dataMax }) => ({ min: dataMin, max: dataMax }),
  },
];

/** The preset whose window `window` is (to 0.1 % of the robust width), or null for a window of one's own. */
export function presetOf(window: WindowRange, intensity: IntensityInfo): WindowPreset | null {
  const tolerance = Math.abs(intensity.initial.max - intensity.initial.min) * 1e-3;
  return (
    WINDOW_PRESETS.find((p) => {
      const r = p.range(intensity);
      return Math.abs(r.min - window.min) <= tolerance && Math.abs(r.max - window.max) <= tolerance;
    }) ?? null
  );
}
