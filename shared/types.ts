/** Plain data types shared by the main process, the bridge and the renderer. No platform imports. */

/** A voxel axis of the scan as stored (NIfTI dim[1], dim[2], dim[3]). */
export type Axis = 'i' | 'j' | 'k';
export const AXES: readonly Axis[] = ['i', 'j', 'k'];

export interface LabelClass {
  /** Voxel value written in label maps, 1..254 (0 is background, 255 is reserved for "unknown"). */
  value: number;
  name: string;
  /** CSS hex colour, e.g. "#e6194b". */
  color: string;
}

export interface VolumeInfo {
  id: string;
  name: string;
  shape: [number, number, number];
  /** Voxel size in mm along i, j, k. */
  spacing: [number, number, number];
  /** Datatype of the scan as stored, e.g. "int16". */
  datatype: string;
  /** Axis codes of the voxel axes in world space, e.g. "RAS", "LPI". */
  orientation: string;
  /** 4×4 voxel-to-world (mm) affine, row-major, as nibabel's get_best_affine. */
  affine: number[];
  hasLabels: boolean;
  /** Number of annotated slices along each voxel axis. */
  annotatedSlices: Record<Axis, number>;
  importedAt: string;
}

export interface RunInfo {
  id: string;
  method: string;
  model: string;
  backend: string;
  status: 'queued' | 'running' | 'finished' | 'cancelled' | 'failed';
  createdAt: string;
  finishedAt: string | null;
  iterations: number;
  valDice: number | null;
}

export interface ProjectInfo {
  /** Absolute path of the NAME.atrium folder. */
  path: string;
  name: string;
  schemaVersion: number;
  isSample: boolean;
  volumes: VolumeInfo[];
  classes: LabelClass[];
  runs: RunInfo[];
}

export interface AppInfo {
  version: string;
  /** "electron" or "browser". */
  shell: 'electron' | 'browser';
  /** Folder where new projects are created by default. */
  projectsHome: string;
  recentProjects: string[];
}

export interface JobInfo {
  runId: string;
  kind: 'train' | 'predict';
  state: 'queued' | 'running' | 'ended';
  /** The latest progress, when any arrived. */
  progress: JobProgressEvent['progress'] | null;
  backend: string | null;
}

export interface JobProgressEvent {
  runId: string;
  kind: 'train' | 'predict';
  progress: {
    step: number;
    steps: number;
    message: string;
    losses?: Record<string, number>;
    learningRate?: number;
    valDice?: number | null;
    etaSeconds?: number | null;
    msPerIteration?: number;
  };
}

export interface JobEndedEvent {
  runId: string;
  kind: 'train' | 'predict';
  status: 'finished' | 'cancelled' | 'failed';
  /** Why it failed, in words meant for the user. */
  error?: string;
}
