/** The views the viewer offers: the three planes, the 3D render, or all four at once. */
export type ViewMode = 'multiplanar' | 'axial' | 'coronal' | 'sagittal' | 'render';
export type Plane = 'axial' | 'coronal' | 'sagittal';

export const VIEW_MODES: { mode: ViewMode; label: string; hotkey: string }[] = [
  { mode: 'multiplanar', label: 'Multiplanar', hotkey: 'M' },
  { mode: 'axial', label: 'Axial', hotkey: 'A' },
  { mode: 'coronal', label: 'Coronal', hotkey: 'C' },
  { mode: 'sagittal', label: 'Sagittal', hotkey: 'S' },
  { mode: 'render', label: '3D', hotkey: 'R' },
];

/** Where the crosshair is, read back after every move. */
export interface ViewerLocation {
  /** Voxel indices in the scan as stored (i, j, k). */
  voxel: [number, number, number];
  /** World coordinates in mm (x, y, z), from the scan's affine. */
  mm: [number, number, number];
  /** Scan intensity (scaled) at the crosshair. */
  value: number;
  /** Label value at the crosshair, null when no label map is shown. */
  label: number | null;
  /** The overlay's value at the crosshair (a predicted class, or an uncertainty 0..1); null without one. */
  overlay: { kind: 'prediction' | 'comparison' | 'uncertainty'; value: number } | null;
}

export interface WindowRange {
  min: number;
  max: number;
}

/** Intensity range of the loaded scan, for the window/level inputs. */
export interface IntensityInfo {
  /** Smallest and largest value in the scan. */
  dataMin: number;
  dataMax: number;
  /** The window NiiVue chose on load (robust range: 0.5–99.5 % of the non-zero voxels); what "Reset" returns to. */
  initial: WindowRange;
}
