import { MULTIPLANAR_TYPE, Niivue, NVImage, SHOW_RENDER, SLICE_TYPE } from '@niivue/niivue';
import type { LabelColormap } from './labelColormap.ts';
import type { IntensityInfo, Plane, ViewerLocation, ViewMode, WindowRange } from './viewTypes.ts';

export interface ViewerCallbacks {
  onLocation(location: ViewerLocation): void;
  /** The window changed from inside NiiVue (right-drag contrast, double-click reset). */
  onWindow(window: WindowRange): void;
}

export interface ScanToShow {
  /** NIfTI bytes (.nii or .nii.gz, told apart by the gzip magic). */
  scan: ArrayBuffer;
  labels: ArrayBuffer | null;
  colormap: LabelColormap | null;
  labelOpacity: number;
  labelsVisible: boolean;
}

const SLICE_OF_MODE: Record<ViewMode, SLICE_TYPE> = {
  multiplanar: SLICE_TYPE.MULTIPLANAR,
  axial: SLICE_TYPE.AXIAL,
  coronal: SLICE_TYPE.CORONAL,
  sagittal: SLICE_TYPE.SAGITTAL,
  render: SLICE_TYPE.RENDER,
};
const PLANE_OF_SLICE: Partial<Record<number, Plane>> = {
  [SLICE_TYPE.AXIAL]: 'axial',
  [SLICE_TYPE.CORONAL]: 'coronal',
  [SLICE_TYPE.SAGITTAL]: 'sagittal',
};
/** One slice step along each plane's normal, in NiiVue's RAS-ordered voxel grid. */
const STEP_OF_PLANE: Record<Plane, [number, number, number]> = {
  sagittal: [1, 0, 0],
  coronal: [0, 1, 0],
  axial: [0, 0, 1],
};

/**
 * Everything the app does with NiiVue goes through this class: one Niivue object on one canvas,
 * the scan as volume 0 and its label map as volume 1. React components hold a controller and
 * never touch NiiVue directly, so a NiiVue upgrade stays in this file.
 */
export class ViewerController {
  private readonly nv: Niivue;
  private ready: Promise<void>;
  private intensity: IntensityInfo | null = null;
  private disposed = false;
  private uploadFrame: number | null = null;
  /** Bumped on every show(); a slower, older load must not replace a newer one. */
  private generation = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly callbacks: ViewerCallbacks,
  ) {
    this.nv = new Niivue({
      backColor: [0, 0, 0, 1],
      crosshairColor: [0.3, 0.75, 1, 0.85],
      // in percent of the field of view: a thin line at any zoom (the default unit, voxels,
      // makes a 1-voxel-thick bar that covers what it points at)
      crosshairWidth: 0.3,
      crosshairWidthUnit: 'percent',
      show3Dcrosshair: true,
      isColorbar: false,
      isOrientCube: false,
      isOrientationTextVisible: true,
      textHeight: 0.04,
      fontColor: [0.75, 0.8, 0.85, 1],
      sagittalNoseLeft: true,
      multiplanarLayout: MULTIPLANAR_TYPE.GRID,
      multiplanarShowRender: SHOW_RENDER.ALWAYS,
      multiplanarPadPixels: 4,
      tileMargin: 0,
      dragAndDropEnabled: false,
      isResizeCanvas: true,
      loadingText: '',
      logLevel: 'error',
    });
    this.nv.onLocationChange = (raw) => this.reportLocation(raw);
    this.nv.onIntensityChange = (vol) => {
      if (vol === this.nv.volumes[0]) this.callbacks.onWindow(this.getWindow());
    };
    this.ready = this.nv.attachToCanvas(canvas).then(() => undefined);
  }

  /** Replaces whatever is shown with a scan and, when given, its label map. */
  async show(item: ScanToShow): Promise<IntensityInfo> {
    const generation = ++this.generation;
    await this.ready;
    const scan = await NVImage.loadFromUrl({
      url: item.scan,
      name: niftiName('scan', item.scan),
      colormap: 'gray',
      // initial window: 0.5–99.5 % of the non-zero voxels; counting the zero background
      // (half of a head scan) would put the upper limit inside white matter and saturate it
      percentileFrac: 0.005,
      ignoreZeroVoxels: true,
    });
    let labels: NVImage | null = null;
    if (item.labels) {
      labels = await NVImage.loadFromUrl({ url: item.labels, name: niftiName('labels', item.labels) });
      if (item.colormap) labels.setColormapLabel(item.colormap);
      labels.opacity = item.labelsVisible ? item.labelOpacity : 0;
    }
    if (generation !== this.generation || this.disposed) throw new SupersededError();
    // Set both volumes at once and upload once: each addVolume() re-uploads every layer and
    // recomputes the 3D gradients, which costs seconds on software GL.
    this.nv.volumes = labels ? [scan, labels] : [scan];
    this.nv.back = scan;
    this.nv.overlays = labels ? [labels] : [];
    this.nv.scene.crosshairPos = [0.5, 0.5, 0.5];
    this.intensity = {
      dataMin: scan.global_min ?? scan.cal_min ?? 0,
      dataMax: scan.global_max ?? scan.cal_max ?? 0,
      initial: { min: scan.cal_min ?? 0, max: scan.cal_max ?? 0 },
    };
    this.nv.updateGLVolume();
    this.nv.createOnLocationChange();
    return this.intensity;
  }

  /** Empties the viewer (no scan selected). */
  async clear(): Promise<void> {
    ++this.generation;
    await this.ready;
    if (this.disposed) return;
    this.removeVolumes();
    this.intensity = null;
    this.nv.drawScene();
  }

  setViewMode(mode: ViewMode): void {
    this.nv.setSliceType(SLICE_OF_MODE[mode]);
  }

  /** The plane under canvas point (x, y) in CSS pixels, null over the 3D tile or outside the views. */
  planeAt(x: number, y: number): Plane | null {
    const dpr = this.nv.uiData.dpr ?? 1;
    const tile = this.nv.tileIndex(x * dpr, y * dpr);
    if (tile < 0) return null;
    return PLANE_OF_SLICE[this.nv.screenSlices[tile]?.axCorSag] ?? null;
  }

  /** Moves the crosshair `delta` slices along the plane's normal; the plane's view follows. */
  stepSlice(plane: Plane, delta: number): void {
    if (this.nv.volumes.length === 0) return;
    const [x, y, z] = STEP_OF_PLANE[plane];
    this.nv.moveCrosshairInVox(x * delta, y * delta, z * delta);
  }

  getWindow(): WindowRange {
    const vol = this.nv.volumes[0];
    return { min: vol?.cal_min ?? 0, max: vol?.cal_max ?? 0 };
  }

  setWindow(range: WindowRange): void {
    const vol = this.nv.volumes[0];
    if (!vol || !(range.max > range.min)) return;
    vol.cal_min = range.min;
    vol.cal_max = range.max;
    this.scheduleUpload();
  }

  resetWindow(): WindowRange | null {
    if (!this.intensity) return null;
    this.setWindow(this.intensity.initial);
    return this.intensity.initial;
  }

  setLabelOverlay(visible: boolean, opacity: number): void {
    const labels = this.nv.volumes[1];
    if (!labels) return;
    labels.opacity = visible ? opacity : 0;
    this.scheduleUpload();
  }

  focus(): void {
    this.canvas.focus({ preventScroll: true });
  }

  dispose(): void {
    this.disposed = true;
    ++this.generation;
    if (this.uploadFrame !== null) cancelAnimationFrame(this.uploadFrame);
    this.nv.cleanup();
    this.removeVolumes();
  }

  /**
   * Window and opacity live in the uploaded textures, so each change re-uploads every layer.
   * A slider sends dozens of changes a second: apply only the latest one per animation frame.
   */
  private scheduleUpload(): void {
    if (this.uploadFrame !== null) return;
    this.uploadFrame = requestAnimationFrame(() => {
      this.uploadFrame = null;
      if (!this.disposed && this.nv.volumes.length) this.nv.updateGLVolume();
    });
  }

  private removeVolumes(): void {
    this.nv.volumes = [];
    this.nv.back = null;
    this.nv.overlays = [];
  }

  private reportLocation(raw: unknown): void {
    const loc = raw as {
      mm: ArrayLike<number>;
      values: { value: number; vox: ArrayLike<number> }[];
    };
    const scan = loc.values?.[0];
    const image = this.nv.volumes[0];
    if (!scan || !image) return;
    const labels = loc.values[1];
    this.callbacks.onLocation({
      voxel: nativeVoxel(image, scan.vox),
      mm: [loc.mm[0], loc.mm[1], loc.mm[2]],
      value: scan.value,
      label: labels ? Math.round(labels.value) : null,
    });
  }
}

/**
 * NiiVue reports voxels in its RAS-reoriented grid; the user wants the scan's own (i, j, k).
 * Same mapping NiiVue's getValue() uses, so the index and the value shown always agree.
 */
function nativeVoxel(image: NVImage, ras: ArrayLike<number>): [number, number, number] {
  const [x, y, z] = [Math.round(ras[0]), Math.round(ras[1]), Math.round(ras[2])];
  const perm = image.permRAS;
  const m = image.toRASvox;
  if (!perm || !m || (perm[0] === 1 && perm[1] === 2 && perm[2] === 3)) return [x, y, z];
  // gl-matrix mat4 is column-major: out = M · (x, y, z, 1)
  return [
    Math.round(m[0] * x + m[4] * y + m[8] * z + m[12]),
    Math.round(m[1] * x + m[5] * y + m[9] * z + m[13]),
    Math.round(m[2] * x + m[6] * y + m[10] * z + m[14]),
  ];
}

/** Thrown by show() when a newer show() started meanwhile; callers ignore it. */
export class SupersededError extends Error {
  constructor() {
    super('superseded by a newer scan');
    this.name = 'SupersededError';
  }
}

function niftiName(stem: string, bytes: ArrayBuffer): string {
  const head = new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength));
  return head[0] === 0x1f && head[1] === 0x8b ? `${stem}.nii.gz` : `${stem}.nii`;
}
