import type { Axis, SliceState, SliceStates } from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { AXIS_INDEX } from './slicePlane.ts';

/**
 * What happens to a slice's state:
 * - `paint`: a person painted, erased or filled on it. An unconfirmed slice becomes `painted`,
 *   not annotated: one stroke says nothing about the structures not drawn on it, and an
 *   annotated slice teaches the model background wherever nothing is painted (issue 17). An
 *   annotated slice stays annotated: the person confirmed it, and the edit refines it.
 * - `interpolate`: it lies between two annotated slices being interpolated. A person's work
 *   (annotated or painted) is never replaced by a computed one, so those slices keep their state.
 * - `mark-annotated`: the person confirms what the slice holds (their painting, an
 *   interpolation, a prediction, an imported label map, or nothing: background only).
 * - `mark-unknown`: the slice stops being a training target; its voxels are kept.
 */
export type SliceEvent = 'paint' | 'interpolate' | 'mark-annotated' | 'mark-unknown';

export function nextSliceState(current: SliceState, event: SliceEvent): SliceState {
  switch (event) {
    case 'paint':
      return current === 'annotated' ? 'annotated' : 'painted';
    case 'mark-annotated':
      return 'annotated';
    case 'mark-unknown':
      return 'unknown';
    case 'interpolate':
      return isPersonsWork(current) ? current : 'interpolated';
  }
}

/** Whether a person drew the slice (confirmed or not): computed labels never overwrite it. */
export function isPersonsWork(state: SliceState): boolean {
  return state === 'annotated' || state === 'painted';
}

/** A slice's state before and after an edit, as stored with the edit so it can be undone. */
export interface SliceChange {
  axis: Axis;
  slice: number;
  from: SliceState;
  to: SliceState;
}

export function emptySliceStates(shape: readonly [number, number, number]): SliceStates {
  return Object.fromEntries(AXES.map((a) => [a, new Array<SliceState>(shape[AXIS_INDEX[a]]).fill('unknown')])) as SliceStates;
}

/** The changes `event` makes to `slices` of `axis`; slices whose state stays the same are left out. */
export function sliceChanges(states: SliceStates, axis: Axis, slices: Iterable<number>, event: SliceEvent): SliceChange[] {
  const changes: SliceChange[] = [];
  for (const slice of new Set(slices)) {
    const from = states[axis][slice];
    const to = nextSliceState(from, event);
    if (to !== from) changes.push({ axis, slice, from, to });
  }
  return changes.sort((a, b) => a.slice - b.slice);
}

/** Applies changes forwards (`to`) or backwards (`from`, for undo) in place. */
export function applySliceChanges(states: SliceStates, changes: readonly SliceChange[], direction: 'forward' | 'backward'): void {
  for (const c of changes) states[c.axis][c.slice] = direction === 'forward' ? c.to : c.from;
}

export function cloneSliceStates(states: SliceStates): SliceStates {
  return { i: [...states.i], j: [...states.j], k: [...states.k] };
}
