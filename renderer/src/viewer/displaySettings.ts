import type { DisplayConvention, Render3D } from '../../../shared/display.ts';
import type { Plane } from './viewTypes.ts';

/** A choice as the UI offers it: its words and what it does. */
export interface DescribedChoice<T extends string> {
  id: T;
  label: string;
  description: string;
}

/** The display choices (shared/display.ts) in words, in the order offered. */
export const CONVENTION_CHOICES: readonly DescribedChoice<DisplayConvention>[] = [
  {
    id: 'neurological',
    label: 'Neurological (L = left)',
    description: "The patient's left on the screen's left in axial and coronal views, as seen from above or behind",
  },
  {
    id: 'radiological',
    label: 'Radiological (L = right)',
    description: "The patient's left on the screen's right in axial and coronal views, as if facing the patient (the reading-room convention)",
  },
];

export const RENDER_3D_OPTIONS: readonly DescribedChoice<Render3D>[] = [
  { id: 'scan', label: 'Scan and labels', description: 'The 3D view renders the scan, with the labels and any prediction drawn into it' },
  {
    id: 'labels',
    label: 'Labels only',
    description: 'The 3D view renders only the labels and any prediction shown, so that structures inside the head are seen whole',
  },
];

/** Sagittal views show the nose on the left (NiiVue's sagittalNoseLeft), in either convention. */
export const SAGITTAL_NOSE_LEFT = true;

/** The anatomical directions at the four edges of a plane's view. */
export interface EdgeMarkers {
  left: string;
  right: string;
  top: string;
  bottom: string;
}

/**
 * The directions at the edges of a plane's view: L/R (patient left/right), A/P (anterior,
 * posterior), S/I (superior, inferior). Axial views are seen with anterior up, coronal and
 * sagittal with superior up.
 */
export function edgeMarkers(plane: Plane, convention: DisplayConvention): EdgeMarkers {
  if (plane === 'sagittal') return SAGITTAL_NOSE_LEFT ? { left: 'A', right: 'P', top: 'S', bottom: 'I' } : { left: 'P', right: 'A', top: 'S', bottom: 'I' };
  const [left, right] = convention === 'radiological' ? ['R', 'L'] : ['L', 'R'];
  return plane === 'axial' ? { left, right, top: 'A', bottom: 'P' } : { left, right, top: 'S', bottom: 'I' };
}
