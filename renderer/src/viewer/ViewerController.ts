import { MULTIPLANAR_TYPE, Niivue, NVImage, SHOW_RENDER, SLICE_TYPE } from '@niivue/niivue';
import type { Axis } from '../../../shared/types.ts';
import { NORMAL_OF_PEN_PLANE, paintDisc, paintSegment, type PenPlane } from './brush.ts';
import { applyServerValues, changedIndices, groupBySlice, type SlicePaint } from './drawingDiff.ts';
import { FILL_PREVIEW_VALUE, type LabelLut } from './labelColormap.ts';
import { countLabels } from './labelCounts.ts';
import { DEFAULT_DISPLAY, type DisplaySettings } from '../../../shared/display.ts';
import { SAGITTAL_NOSE_LEFT } from './displaySettings.ts';
import type { IntensityInfo, Plane, ViewerLocation, ViewMode, WindowRange } from './viewTypes.ts';
import { linearIndex, nativeAxisName, nativeIndexToRas, nativeToRas, rasToNative, reorder, voxelGrid, type Vec3, type VoxelGrid } from './voxelGrid.ts';

export interface ViewerCallbacks {
  onLocation(location: ViewerLocation): void;
  /** The window changed from inside NiiVue (right-drag contrast, double-click reset). */
  onWindow(window: WindowRange): void;
  /**
   * A brush or eraser stroke ended. Each part sets one slice's voxels to one value; the
   * drawing already shows them, and counts them as sent (see `applyUpdate`, `setLabels`).
   */
  onStroke(parts: StrokePart[]): void;
  /** Voxels per label value (256 bins) in the drawing, after it is loaded and after each edit; null when no scan is shown. */
  onLabelCounts(counts: Uint32Array | null): void;
  /** Where each plane's view is on the canvas, whenever that changes (layout, zoom, resize); empty without a scan. */
  onTiles(tiles: ViewTile[]): void;
}

/** A plane's view on the canvas, in CSS pixels from the canvas's top left. */
export interface ViewTile {
  plane: Plane;
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface StrokePart extends SlicePaint {
  value: number;
}

export interface ScanToShow {
  /** NIfTI bytes (.nii or .nii.gz, told apart by the gzip magic). */
  scan: ArrayBuffer;
  /** The label map (NIfTI, the scan's geometry), shown as NiiVue's editable drawing. */
  labels: ArrayBuffer;
  lut: LabelLut;
  labelOpacity: number;
  labelsVisible: boolean;
}

/**
 * A layer drawn over the scan and under the annotation: a run's predicted label map (NIfTI,
 * the scan's geometry) in the class colours, or its per-voxel uncertainty (0..1) as a heat map
 * that leaves near-certain voxels clear.
 */
export type OverlayToShow =
  { kind: 'prediction' | 'comparison'; bytes: ArrayBuffer; lut: LabelLut; opacity: number } | { kind: 'uncertainty'; bytes: ArrayBuffer; opacity: number };

/** Uncertainty below this shows nothing: most of a confident prediction stays clear. */
export const UNCERTAINTY_FLOOR = 0.05;
/** NiiVue's colour map for the uncertainty, from UNCERTAINTY_FLOOR to 1. */
const UNCERTAINTY_COLORMAP = 'warm';

/** A brush (value > 0) or eraser (value 0) of `size` voxels across; null for navigating. */
export type Pen = { value: number; size: number } | null;

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
/** The RAS axis along each plane's normal, in NiiVue's RAS-ordered voxel grid. */
const NORMAL_OF_PLANE: Record<Plane, 0 | 1 | 2> = { sagittal: 0, coronal: 1, axial: 2 };
/** The RAS axes each plane shows across and up the screen. */
const SCREEN_AXES_OF_PLANE: Record<Plane, [0 | 1 | 2, 0 | 1 | 2]> = { axial: [0, 1], coronal: [0, 2], sagittal: [1, 2] };

/**
 * A clip plane this far from the volume's centre (NiiVue: 0 to ~1.73 inside it, beyond 2 off)
 * and facing this way cuts away all of the scan's volume render, and only it: the drawing and
 * the overlays are not clipped (isClipAllVolumes stays false). The "labels only" 3D view.
 */
const CLIP_WHOLE_SCAN = [-1.8, 270, 0];
/** NiiVue's own setting for no clip plane. */
const CLIP_NONE = [2, 0, 0];

/** Where the brush would paint on screen: its centre and its extent, in CSS pixels of the canvas. */
export interface BrushFootprint {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * NiiVue with a round brush: its own pen paints squares. The two overrides are the only places
 * NiiVue paints pen strokes; they also record which voxels the stroke covered (so painting a
 * value over itself still counts as annotating) and on which plane.
 */
class PaintingNiivue extends Niivue {
  stroke: { plane: PenPlane; touched: Set<number> } | null = null;
  /** Volume textures built so far (each one an upload of a whole volume); on the canvas as data-volume-uploads for the tests. */
  volumeUploads = 0;
  /** Called after every redraw, when NiiVue has laid out its views (screenSlices). */
  afterDraw: (() => void) | null = null;

  override drawScene(): string | void {
    const drawn = super.drawScene();
    this.afterDraw?.();
    return drawn;
  }

  override refreshLayers(overlayItem: NVImage, layer: number): void {
    super.refreshLayers(overlayItem, layer);
    this.volumeUploads++;
    if (this.canvas) this.canvas.dataset.volumeUploads = String(this.volumeUploads);
  }

  override drawPt(x: number, y: number, z: number, penValue: number, drawBitmap: Uint8Array | null = null): void {
    const target = drawBitmap ?? this.drawBitmap;
    const plane = this.drawPenAxCorSag;
    if (!target || !this.back?.dims || plane < 0 || plane > 2) return super.drawPt(x, y, z, penValue, drawBitmap);
    this.stroke ??= { plane: plane as PenPlane, touched: new Set() };
    paintDisc(target, rasDims(this.back), [x, y, z], plane as PenPlane, this.opts.penSize, penValue, this.stroke.touched);
  }

  override drawPenLine(ptA: number[], ptB: number[], penValue: number): void {
    const plane = this.drawPenAxCorSag;
    if (!this.drawBitmap || !this.back?.dims || plane < 0 || plane > 2) return super.drawPenLine(ptA, ptB, penValue);
    this.stroke ??= { plane: plane as PenPlane, touched: new Set() };
    paintSegment(this.drawBitmap, rasDims(this.back), ptA, ptB, plane as PenPlane, this.opts.penSize, penValue, this.stroke.touched);
  }
}

/** The line of NiiVue's slice shader that turns the scan's grey into the shown colour. */
const SLICE_GREY_LINE = 'color = vec4(background.rgb, opacity);';

/**
 * NiiVue's slice shader with the window applied on the way to the screen. NiiVue bakes the
 * window into the scan's texture, so each change re-uploads and re-samples the whole volume
 * (seconds on software WebGL); here the texture holds the scan's full range once, and the window
 * is two uniforms: grey' = (grey - windowOffset) * windowGain.
 */
function windowedSliceShader(gl: WebGL2RenderingContext, slice: { program: WebGLProgram }): string {
  const fragment = gl.getAttachedShaders(slice.program)?.find((sh) => gl.getShaderParameter(sh, gl.SHADER_TYPE) === gl.FRAGMENT_SHADER);
  const source = fragment ? gl.getShaderSource(fragment) : null;
  if (!source?.includes(SLICE_GREY_LINE) || !source.includes('uniform float opacity;'))
    throw new Error("NiiVue's slice shader is not the one the window was written for");
  return source
    .replace('uniform float opacity;', 'uniform float opacity;\nuniform float windowOffset;\nuniform float windowGain;')
    .replace(SLICE_GREY_LINE, 'color = vec4(clamp((background.rgb - windowOffset) * windowGain, 0.0, 1.0), opacity);');
}

function rasDims(image: NVImage): Vec3 {
  const d = image.dims!;
  return [d[1], d[2], d[3]];
}

/**
 * Everything the app does with NiiVue goes through this class: one Niivue object on one canvas,
 * the scan as volume 0 and its label map as NiiVue's drawing, which the brush edits in place.
 * React components hold a controller and never touch NiiVue directly, so a NiiVue upgrade stays
 * in this file.
 *
 * The drawing is kept beside a copy of what the server has been sent (`synced`, RAS order like
 * the drawing): a stroke is the difference between the two, and server updates patch both.
 */
export class ViewerController {
  private readonly nv: PaintingNiivue;
  private ready: Promise<void>;
  private grid: VoxelGrid | null = null;
  private synced: Uint8Array | null = null;
  private intensity: IntensityInfo | null = null;
  /** The shown window; the scan's texture holds its full range (see windowedSliceShader). */
  private window: WindowRange = { min: 0, max: 0 };
  private disposed = false;
  private uploadFrame: number | null = null;
  private countTimer: ReturnType<typeof setTimeout> | null = null;
  /** What volume 1 shows, when there is an overlay. */
  private overlayKind: OverlayToShow['kind'] | null = null;
  /** Bumped on every show(); a slower, older load must not replace a newer one. */
  private generation = 0;
  /**
   * RAS indices the drawing shows as the fill preview (FILL_PREVIEW_VALUE); what they hold is in
   * `synced`, which the preview never touches, so taking it away puts the labels back.
   */
  private fillPreview: Uint32Array | null = null;
  /**
   * Overlays decoded, by the bytes they came from: bytes the caller kept and shows again skip the
   * decoding (gunzip and a pass over every voxel). Weak, so the caller's cache decides what stays.
   */
  private readonly decodedOverlays = new WeakMap<ArrayBuffer, NVImage>();
  private display: DisplaySettings = { ...DEFAULT_DISPLAY };
  /** The tiles last reported (as JSON), so that a redraw that moves nothing reports nothing. */
  private tilesKey = '';

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly callbacks: ViewerCallbacks,
  ) {
    this.nv = new PaintingNiivue({
      backColor: [0, 0, 0, 1],
      crosshairColor: [0.3, 0.75, 1, 0.85],
      // in percent of the field of view: a thin line at any zoom (the default unit, voxels,
      // makes a 1-voxel-thick bar that covers what it points at)
      crosshairWidth: 0.3,
      crosshairWidthUnit: 'percent',
      show3Dcrosshair: true,
      isColorbar: false,
      isOrientCube: false,
      // the app draws the L/R, A/P and S/I markers itself, larger and readable (OrientationMarkers)
      isOrientationTextVisible: false,
      textHeight: 0.04,
      // transparent: the clip plane only ever hides the scan for the "labels only" 3D view
      clipPlaneColor: [0, 0, 0, 0],
      fontColor: [0.75, 0.8, 0.85, 1],
      sagittalNoseLeft: SAGITTAL_NOSE_LEFT,
      multiplanarLayout: MULTIPLANAR_TYPE.GRID,
      multiplanarShowRender: SHOW_RENDER.ALWAYS,
      multiplanarPadPixels: 4,
      tileMargin: 0,
      dragAndDropEnabled: false,
      isResizeCanvas: true,
      loadingText: '',
      logLevel: 'error',
    });
    this.nv.onLocationChange = () => this.reportLocation();
    // NiiVue's own window changes (right-drag, double-click) set the scan's range: take it as the
    // window and put the texture's full range back, which NiiVue then bakes as before
    this.nv.onIntensityChange = (vol) => {
      if (vol !== this.nv.volumes[0] || !this.intensity) return;
      const range = { min: vol.cal_min ?? 0, max: vol.cal_max ?? 0 };
      this.bakeFullRange(vol);
      this.applyWindow(range);
      this.callbacks.onWindow(range);
    };
    this.nv.afterDraw = () => this.reportTiles();
    this.nv.onDrawingChanged = (action) => {
      if (action === 'draw') this.finishStroke();
    };
    this.ready = this.nv.attachToCanvas(canvas).then(() => this.nv.setCustomSliceShader(windowedSliceShader(this.nv.gl, this.nv.sliceMMShader!)));
  }

  /** Replaces whatever is shown with a scan and its label map (as the editable drawing). */
  async show(item: ScanToShow): Promise<IntensityInfo> {
    const generation = ++this.generation;
    await this.ready;
    const [scan, labels] = await Promise.all([
      NVImage.loadFromUrl({
        url: item.scan,
        name: niftiName('scan', item.scan),
        colormap: 'gray',
        // initial window: 0.5–99.5 % of the non-zero voxels; counting the zero background
        // (half of a head scan) would put the upper limit inside white matter and saturate it
        percentileFrac: 0.005,
        ignoreZeroVoxels: true,
      }),
      this.decodeLabels(item.labels),
    ]);
    if (generation !== this.generation || this.disposed) throw new SupersededError();
    const grid = voxelGrid(scan.permRAS!, [scan.hdr!.dims[1], scan.hdr!.dims[2], scan.hdr!.dims[3]]);
    if (labels.length !== grid.nativeDims[0] * grid.nativeDims[1] * grid.nativeDims[2]) {
      throw new Error("the label map does not have the scan's shape");
    }
    this.nv.volumes = [scan];
    this.nv.back = scan;
    this.nv.overlays = [];
    this.overlayKind = null;
    this.nv.scene.crosshairPos = [0.5, 0.5, 0.5];
    this.intensity = {
      dataMin: scan.global_min ?? scan.cal_min ?? 0,
      dataMax: scan.global_max ?? scan.cal_max ?? 0,
      initial: { min: scan.cal_min ?? 0, max: scan.cal_max ?? 0 },
    };
    this.bakeFullRange(scan);
    this.applyWindow(this.intensity.initial);
    this.nv.drawLut = item.lut;
    this.nv.drawOpacity = item.labelsVisible ? item.labelOpacity : 0;
    this.grid = grid;
    this.nv.updateGLVolume();
    this.applyDisplay();
    this.nv.createEmptyDrawing();
    this.putDrawing(reorder(grid, labels, true));
    this.nv.createOnLocationChange();
    return this.intensity;
  }

  /**
   * Shows `overlay` over the current scan in place of any earlier one, or (null) removes it.
   * Throws SupersededError when another scan was shown meanwhile.
   */
  async setOverlay(overlay: OverlayToShow | null): Promise<void> {
    const generation = this.generation;
    const scan = this.nv.volumes[0];
    if (!scan) return;
    if (!overlay) {
      if (this.nv.volumes.length > 1) this.setLayers(scan, null);
      return;
    }
    let image = this.decodedOverlays.get(overlay.bytes);
    if (!image) {
      image = await NVImage.loadFromUrl({
        url: overlay.bytes,
        name: niftiName(overlay.kind, overlay.bytes),
        colormap: overlay.kind === 'uncertainty' ? UNCERTAINTY_COLORMAP : 'gray',
      });
      this.decodedOverlays.set(overlay.bytes, image);
      // for the tests: an overlay shown again is not decoded again
      this.canvas.dataset.overlayDecodes = String(Number(this.canvas.dataset.overlayDecodes ?? 0) + 1);
    }
    image.opacity = overlay.opacity;
    if (generation !== this.generation || this.disposed || this.nv.volumes[0] !== scan) throw new SupersededError();
    if (image.hdr!.dims.slice(1, 4).some((d, a) => d !== scan.hdr!.dims[a + 1])) throw new Error(`the ${overlay.kind} does not have the scan's shape`);
    if (overlay.kind !== 'uncertainty') {
      image.colormapLabel = { lut: overlay.lut.lut, min: 0, max: 255, labels: overlay.lut.labels };
    } else {
      image.cal_min = UNCERTAINTY_FLOOR;
      image.cal_max = 1;
    }
    // before the layers, whose location report reads it (a stale kind once read an uncertainty as a label)
    this.overlayKind = overlay.kind;
    this.setLayers(scan, image);
  }

  /** `count` CSS colours evenly along the uncertainty colour map, UNCERTAINTY_FLOOR first, 1 last: its colour bar. */
  uncertaintyColours(count = 8): string[] {
    const lut = this.nv.colormap(UNCERTAINTY_COLORMAP);
    const entries = lut.length / 4;
    return Array.from({ length: count }, (_, n) => {
      const e = 4 * Math.round((n / (count - 1)) * (entries - 1));
      return `rgb(${lut[e]}, ${lut[e + 1]}, ${lut[e + 2]})`;
    });
  }

  setOverlayOpacity(opacity: number): void {
    const overlay = this.nv.volumes[1];
    if (!overlay || overlay.opacity === opacity) return;
    overlay.opacity = opacity;
    this.scheduleUpload();
  }

  /** Replaces the drawing with a label map from the server (after a failed save, a class removal, an import). */
  async setLabels(bytes: ArrayBuffer): Promise<void> {
    const generation = this.generation;
    const labels = await this.decodeLabels(bytes);
    const grid = this.grid;
    if (generation !== this.generation || this.disposed || !grid) throw new SupersededError();
    this.putDrawing(reorder(grid, labels, true));
    this.nv.createOnLocationChange();
  }

  /**
   * Writes the server's answer (stored-order indices and their values) into the drawing. Voxels
   * of a stroke not yet sent keep what the user painted; they are sent when the stroke ends.
   */
  applyUpdate(indices: Uint32Array, values: Uint8Array): void {
    const grid = this.grid;
    const drawing = this.nv.drawBitmap;
    if (!grid || !drawing || !this.synced || indices.length === 0) return;
    const ras = new Uint32Array(indices.length);
    for (let n = 0; n < indices.length; n++) ras[n] = nativeIndexToRas(grid, indices[n]);
    if (applyServerValues(drawing, this.synced, ras, values)) {
      // only the drawing texture changes: far cheaper than updateGLVolume on software GL
      this.nv.refreshDrawing(true);
      this.nv.createOnLocationChange();
      this.scheduleCount();
    }
  }

  /**
   * Shows a fill's region (stored-order indices) in the drawing, in place of any earlier preview,
   * until clearFillPreview: in every view at every zoom, as the labels are, without a stroke.
   */
  showFillPreview(indices: Uint32Array): void {
    this.clearFillPreview();
    const grid = this.grid;
    const drawing = this.nv.drawBitmap;
    if (!grid || !drawing || !this.synced) return;
    const ras = new Uint32Array(indices.length);
    for (let n = 0; n < indices.length; n++) {
      ras[n] = nativeIndexToRas(grid, indices[n]);
      drawing[ras[n]] = FILL_PREVIEW_VALUE;
    }
    this.fillPreview = ras;
    this.nv.refreshDrawing(true);
    this.canvas.dataset.fillPreview = String(ras.length);
  }

  /** Takes the fill preview away: its voxels show what the server has (a committed fill's values, once applied). */
  clearFillPreview(): void {
    const preview = this.fillPreview;
    const drawing = this.nv.drawBitmap;
    this.fillPreview = null;
    delete this.canvas.dataset.fillPreview;
    if (!preview || !drawing || !this.synced) return;
    for (const r of preview) if (drawing[r] === FILL_PREVIEW_VALUE) drawing[r] = this.synced[r];
    this.nv.refreshDrawing(true);
    this.nv.createOnLocationChange();
    this.scheduleCount();
  }

  /** Whether stored voxel (i, j, k) is in the fill preview shown. */
  inFillPreview(voxel: Vec3): boolean {
    const drawing = this.nv.drawBitmap;
    if (!this.grid || !drawing || !this.fillPreview) return false;
    return drawing[linearIndex(nativeToRas(this.grid, voxel), this.grid.rasDims)] === FILL_PREVIEW_VALUE;
  }

  /** Paint with a brush or eraser, or (null) let clicks move the crosshair. */
  setPen(pen: Pen): void {
    if (pen) {
      // a stroke sends whatever differs from the server's labels: never the preview's voxels
      this.clearFillPreview();
      this.nv.opts.penSize = pen.size;
      this.nv.setPenValue(pen.value, false);
    }
    if (this.nv.opts.drawingEnabled !== (pen !== null)) this.nv.setDrawingEnabled(pen !== null);
  }

  setLabelColours(lut: LabelLut): void {
    this.nv.drawLut = lut;
    if (this.nv.volumes.length === 0) return;
    this.nv.refreshColormaps();
    this.nv.drawScene();
  }

  /** The stored voxel axis a plane shows slices of (depends on the scan's orientation). */
  axisOfPlane(plane: Plane): Axis | null {
    return this.grid ? nativeAxisName(this.grid, NORMAL_OF_PLANE[plane]) : null;
  }

  /** The crosshair's voxel in the scan's own (i, j, k). */
  crosshairVoxel(): Vec3 | null {
    if (!this.grid || this.nv.volumes.length === 0) return null;
    return rasToNative(this.grid, this.rasCrosshair());
  }

  /** Moves the crosshair to stored slice `slice` of the plane's axis; the plane's view follows. */
  goToSlice(plane: Plane, slice: number): void {
    if (!this.grid || this.nv.volumes.length === 0) return;
    const d = NORMAL_OF_PLANE[plane];
    const native = rasToNative(this.grid, this.rasCrosshair());
    native[this.grid.nativeAxis[d]] = slice;
    const target = nativeToRas(this.grid, native);
    this.stepSlice(plane, target[d] - this.rasCrosshair()[d]);
  }

  /** Empties the viewer (no scan selected). */
  async clear(): Promise<void> {
    ++this.generation;
    await this.ready;
    if (this.disposed) return;
    this.removeVolumes();
    this.intensity = null;
    this.grid = null;
    this.synced = null;
    this.fillPreview = null;
    delete this.canvas.dataset.fillPreview;
    if (this.nv.drawBitmap) this.nv.closeDrawing();
    this.cancelCount();
    this.callbacks.onLabelCounts(null);
    this.nv.drawScene();
  }

  setViewMode(mode: ViewMode): void {
    this.nv.setSliceType(SLICE_OF_MODE[mode]);
  }

  /** The orientation convention of the 2D views and what the 3D view renders, for this scan and the next. */
  setDisplay(display: DisplaySettings): void {
    this.display = { ...display };
    if (this.nv.volumes.length > 0) this.applyDisplay();
  }

  /** The plane under canvas point (x, y) in CSS pixels, null over the 3D tile or outside the views. */
  planeAt(x: number, y: number): Plane | null {
    const dpr = this.nv.uiData.dpr ?? 1;
    const tile = this.nv.tileIndex(x * dpr, y * dpr);
    if (tile < 0) return null;
    return PLANE_OF_SLICE[this.nv.screenSlices[tile]?.axCorSag] ?? null;
  }

  /**
   * The footprint of a round brush `size` voxels across under canvas point (x, y) in CSS pixels:
   * centred on the voxel the brush would paint there, as wide and high as `size` voxels of that
   * view at its zoom (an ellipse where the voxels are not square in the plane). Null over the 3D
   * view or outside the views.
   */
  brushFootprintAt(x: number, y: number, size: number): BrushFootprint | null {
    const back = this.nv.back;
    if (!back?.pixDimsRAS || this.nv.volumes.length === 0) return null;
    const dpr = this.nv.uiData.dpr ?? 1;
    const tile = this.nv.tileIndex(x * dpr, y * dpr);
    const slice = tile < 0 ? undefined : this.nv.screenSlices[tile];
    const plane = slice ? PLANE_OF_SLICE[slice.axCorSag] : undefined;
    if (!slice || !plane || slice.fovMM.length < 2) return null;
    const [across, up] = SCREEN_AXES_OF_PLANE[plane];
    const pxPerMmX = Math.abs(slice.leftTopWidthHeight[2] / slice.fovMM[0]) / dpr;
    const pxPerMmY = Math.abs(slice.leftTopWidthHeight[3] / slice.fovMM[1]) / dpr;
    const footprint = { x, y, width: size * back.pixDimsRAS[across + 1] * pxPerMmX, height: size * back.pixDimsRAS[up + 1] * pxPerMmY };
    // snap to the centre of the voxel under the point, where the brush's disc is centred
    const frac = this.nv.canvasPos2frac([x * dpr, y * dpr]);
    if (frac[0] < 0) return footprint;
    const v = this.nv.frac2vox(frac);
    const voxel = [Math.round(v[0]), Math.round(v[1]), Math.round(v[2])];
    const centre = this.nv.frac2canvasPosWithTile(this.nv.vox2frac(voxel), slice.axCorSag);
    if (!centre || centre.tileIndex !== tile) return footprint;
    return { ...footprint, x: centre.pos[0] / dpr, y: centre.pos[1] / dpr };
  }

  /** Moves the crosshair `delta` slices along the plane's normal; the plane's view follows. */
  stepSlice(plane: Plane, delta: number): void {
    if (this.nv.volumes.length === 0 || delta === 0) return;
    const step = [0, 0, 0];
    step[NORMAL_OF_PLANE[plane]] = delta;
    this.nv.moveCrosshairInVox(step[0], step[1], step[2]);
  }

  getWindow(): WindowRange {
    return { ...this.window };
  }

  /** Shows the scan through another window: two shader uniforms and a redraw, no texture upload. */
  setWindow(range: WindowRange): void {
    if (this.nv.volumes.length === 0 || !(range.max > range.min)) return;
    this.applyWindow(range);
    this.nv.drawScene();
  }

  resetWindow(): WindowRange | null {
    if (!this.intensity) return null;
    this.setWindow(this.intensity.initial);
    return this.intensity.initial;
  }

  setLabelOverlay(visible: boolean, opacity: number): void {
    this.nv.setDrawOpacity(visible ? opacity : 0);
  }

  focus(): void {
    this.canvas.focus({ preventScroll: true });
  }

  dispose(): void {
    this.disposed = true;
    ++this.generation;
    if (this.uploadFrame !== null) cancelAnimationFrame(this.uploadFrame);
    this.cancelCount();
    this.nv.cleanup();
    this.removeVolumes();
  }

  /**
   * The scan's texture is baked over its whole intensity range, once; the window is applied when
   * drawing the slices. The price: 256 grey levels span the whole range, so a window much
   * narrower than it shows coarser steps, and the 3D render (its own shader) keeps the full range.
   */
  private bakeFullRange(scan: NVImage): void {
    const { dataMin, dataMax } = this.intensity!;
    scan.cal_min = dataMin;
    scan.cal_max = dataMax > dataMin ? dataMax : dataMin + 1;
  }

  private applyWindow(range: WindowRange): void {
    this.window = { ...range };
    const shader = this.nv.customSliceShader;
    if (!shader || !this.intensity) return;
    const { dataMin, dataMax } = this.intensity;
    const full = dataMax > dataMin ? dataMax - dataMin : 1;
    const gl = this.nv.gl;
    gl.useProgram(shader.program);
    gl.uniform1f(shader.uniforms.windowOffset, (range.min - dataMin) / full);
    gl.uniform1f(shader.uniforms.windowGain, full / (range.max - range.min));
  }

  /**
   * Opacity lives in the overlay's texture, so each change rebuilds it. A slider sends dozens of
   * changes a second: apply only the latest one per animation frame.
   */
  private scheduleUpload(): void {
    if (this.uploadFrame !== null) return;
    this.uploadFrame = requestAnimationFrame(() => {
      this.uploadFrame = null;
      if (!this.disposed && this.nv.volumes.length) this.refreshOverlayLayer();
    });
  }

  private setLayers(scan: NVImage, overlay: NVImage | null): void {
    this.nv.volumes = overlay ? [scan, overlay] : [scan];
    this.nv.overlays = overlay ? [overlay] : [];
    if (!overlay) this.overlayKind = null;
    this.refreshOverlayLayer();
    this.nv.createOnLocationChange();
  }

  /**
   * Rebuilds the overlay's texture only. NiiVue's updateGLVolume rebuilds every layer, and the
   * scan's (layer 0) is a re-upload of the whole volume and its 3D gradients: most of the two
   * seconds an overlay switch took on software WebGL. Without an overlay, the full update resets
   * NiiVue's overlay count, which only rebuilding the scan's layer does.
   */
  private refreshOverlayLayer(): void {
    const overlay = this.nv.volumes[1];
    if (!overlay) return this.nv.updateGLVolume();
    this.nv.refreshLayers(overlay, 1);
    this.nv.drawScene();
  }

  private removeVolumes(): void {
    this.nv.volumes = [];
    this.nv.back = null;
    this.nv.overlays = [];
    this.overlayKind = null;
  }

  private applyDisplay(): void {
    this.nv.opts.isRadiologicalConvention = this.display.convention === 'radiological';
    // redraws
    this.nv.setClipPlane(this.display.render3d === 'labels' ? CLIP_WHOLE_SCAN : CLIP_NONE);
  }

  /** Reports where the plane views are, when that has changed since the last report. */
  private reportTiles(): void {
    const dpr = this.nv.uiData.dpr ?? 1;
    const tiles: ViewTile[] = [];
    if (this.nv.volumes.length > 0) {
      for (const slice of this.nv.screenSlices) {
        const plane = PLANE_OF_SLICE[slice.axCorSag];
        const [left, top, width, height] = slice.leftTopWidthHeight;
        if (plane && width > 0 && height > 0) tiles.push({ plane, left: left / dpr, top: top / dpr, width: width / dpr, height: height / dpr });
      }
    }
    const key = JSON.stringify(tiles);
    if (key === this.tilesKey) return;
    this.tilesKey = key;
    this.callbacks.onTiles(tiles);
  }

  /**
   * Reads the crosshair back as the voxel drawn under it. NiiVue's own location report goes
   * through world space with the volume's full affine, which for an oblique scan (drawn on its
   * voxel grid) names a neighbouring voxel off the screen's slice; the texture position does not.
   */
  private reportLocation(): void {
    const grid = this.grid;
    const scan = this.nv.volumes[0];
    if (!grid || !scan?.matRAS) return;
    const frac = this.nv.scene.crosshairPos;
    const continuous = [0, 1, 2].map((d) => frac[d] * grid.rasDims[d] - 0.5);
    const ras = continuous.map((v, d) => Math.min(grid.rasDims[d] - 1, Math.max(0, Math.round(v)))) as Vec3;
    const mm = scan.vox2mm(continuous, scan.matRAS);
    const drawing = this.nv.drawBitmap;
    const overlay = this.nv.volumes[1];
    const drawn = drawing ? drawing[linearIndex(ras, grid.rasDims)] : null;
    this.callbacks.onLocation({
      voxel: rasToNative(grid, ras),
      mm: [mm[0], mm[1], mm[2]],
      value: scan.getValue(ras[0], ras[1], ras[2]),
      // under the fill preview, the label the voxel holds until the fill lands
      label: drawn === FILL_PREVIEW_VALUE && this.synced ? this.synced[linearIndex(ras, grid.rasDims)] : drawn,
      overlay: overlay && this.overlayKind ? { kind: this.overlayKind, value: overlay.getValue(ras[0], ras[1], ras[2]) } : null,
    });
  }

  /** The crosshair's voxel in NiiVue's RAS grid: the voxel its drawing and its slices show there. */
  private rasCrosshair(): Vec3 {
    const v = this.nv.frac2vox(this.nv.scene.crosshairPos);
    return [Math.round(v[0]), Math.round(v[1]), Math.round(v[2])];
  }

  private async decodeLabels(bytes: ArrayBuffer): Promise<Uint8Array> {
    const image = await NVImage.loadFromUrl({ url: bytes, name: niftiName('labels', bytes) });
    const img = image.img!;
    return img instanceof Uint8Array ? img : Uint8Array.from(img as ArrayLike<number>);
  }

  /** Shows a RAS-ordered label bitmap as the drawing and takes it as what the server has. */
  private putDrawing(bitmap: Uint8Array): void {
    this.nv.stroke = null;
    this.fillPreview = null;
    delete this.canvas.dataset.fillPreview;
    this.nv.drawBitmap = bitmap;
    this.synced = bitmap.slice();
    this.nv.refreshDrawing(true);
    // at once, so that a newly shown scan never shows the last one's counts
    this.cancelCount();
    this.callbacks.onLabelCounts(countLabels(bitmap));
  }

  /**
   * Counts the drawing's labels once the edits of this turn are in: a stroke ends and its
   * server answers arrive in a burst, and each count reads every voxel (a few ms for 7 M).
   */
  private scheduleCount(): void {
    if (this.countTimer !== null) return;
    this.countTimer = setTimeout(() => {
      this.countTimer = null;
      const drawing = this.nv.drawBitmap;
      if (!this.disposed && drawing && this.grid) this.callbacks.onLabelCounts(countLabels(drawing));
    }, 0);
  }

  private cancelCount(): void {
    if (this.countTimer !== null) clearTimeout(this.countTimer);
    this.countTimer = null;
  }

  /** Turns the difference between drawing and synced copy, plus the voxels the pen covered, into paint requests. */
  private finishStroke(): void {
    const { grid, synced } = this;
    const drawing = this.nv.drawBitmap;
    const stroke = this.nv.stroke;
    this.nv.stroke = null;
    if (!grid || !synced || !drawing) return;
    const voxels = new Set<number>(changedIndices(drawing, synced));
    for (const r of stroke?.touched ?? []) voxels.add(r);
    if (voxels.size === 0) return;
    const byValue = new Map<number, number[]>();
    for (const r of voxels) {
      synced[r] = drawing[r];
      const list = byValue.get(drawing[r]);
      if (list) list.push(r);
      else byValue.set(drawing[r], [r]);
    }
    const normal = NORMAL_OF_PEN_PLANE[stroke?.plane ?? 0];
    const parts: StrokePart[] = [];
    for (const [value, list] of byValue) for (const part of groupBySlice(grid, list, normal)) parts.push({ ...part, value });
    this.callbacks.onStroke(parts);
    this.scheduleCount();
  }
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
