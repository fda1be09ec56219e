import type { SliceState } from '../../../shared/types.ts';

/** The nearest slice after (`direction` 1) or before (-1) `from` whose state is `state`, or null. */
export function nextSliceWithState(states: readonly SliceState[], from: number, direction: 1 | -1, state: SliceState): number | null {
  for (let s = from + direction; s >= 0 && s < states.length; s += direction) if (states[s] === state) return s;
  return null;
}

export type InterpolationGap = { from: number; to: number } | { problem: string };

/**
 * The two annotated slices to interpolate between for the slice the user is on: the nearest
 * annotated slice below and above it. On an annotated slice, the gap above it is used when it
 * has one (else the gap below), so pressing interpolate on either bounding slice works too.
 */
export function interpolationGap(states: readonly SliceState[], current: number): InterpolationGap {
  const isAnnotated = (s: number) => states[s] === 'annotated';
  if (isAnnotated(current)) {
    const above = nextSliceWithState(states, current, 1, 'annotated');
    if (above !== null && above > current + 1) return { from: current, to: above };
    const below = nextSliceWithState(states, current, -1, 'annotated');
    if (below !== null && below < current - 1) return { from: below, to: current };
    return { problem: 'No unannotated slices next to this one lie between two annotated slices.' };
  }
  const below = nextSliceWithState(states, current, -1, 'annotated');
  const above = nextSliceWithState(states, current, 1, 'annotated');
  if (below === null || above === null) {
    // A painted slice there is probably meant as the bound: say what it lacks.
    const painted = nextSliceWithState(states, current, below === null ? -1 : 1, 'painted');
    const unconfirmed = painted === null ? '' : ` (slice ${painted} is painted but not confirmed: mark it complete with Enter)`;
    return {
      problem: `Interpolation needs an annotated slice on each side of slice ${current}; ${below === null ? 'none below' : 'none above'}${unconfirmed}.`,
    };
  }
  return { from: below, to: above };
}
