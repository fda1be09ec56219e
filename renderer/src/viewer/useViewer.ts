import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { LabelClass, ScanInfo } from '../../../shared/types.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { useBrushOutline } from './useBrushOutline.ts';
import type { DisplayPreference } from './useDisplaySettings.ts';
import { labelLut, type ClassDisplay, type ClassDisplays } from './labelColormap.ts';
import { SupersededError, ViewerController, type Pen, type StrokePart, type ViewTile } from './ViewerController.ts';
import type { IntensityInfo, Plane, ViewerLocation, ViewMode, WindowRange } from './viewTypes.ts';
import { wheelSliceDelta } from './viewerKeys.ts';

export type ViewerStatus = 'empty' | 'loading' | 'ready' | 'error';

interface ViewerOptions<S extends { labels: ArrayBuffer }> {
  /** Holds the NiiVue controller while the canvas is mounted; the annotation and the review draw through it too. */
  controllerRef: RefObject<ViewerController | null>;
  scan: ScanInfo | null;
  classes: LabelClass[];
  /** Reads what is drawn over a scan (its label map in `labels`): scan and labels are read together and appear together. */
  readLabels(scanId: string): Promise<S>;
  /** Null as soon as another scan is asked for; what `readLabels` gave once its scan is shown. */
  onLabelsShown(snapshot: S | null): void;
  /** A brush or eraser stroke ended (see ViewerCallbacks). */
  onStroke(parts: StrokePart[]): void;
  /** The pen in hand; the views paint with it only while a scan is shown. */
  pen: Pen;
  /** Orientation convention and what the 3D view renders. */
  display: DisplayPreference;
  report(err: unknown, context: string): void;
}

/**
 * The image views: a NiiVue controller on the canvas, the shown scan and its label map (with
 * each class's display setting and voxel count), the view mode, window, label overlay, crosshair
 * and brush outline, and the slice plane that the slice strip,
 * the slice keys and the slice tools work on (the plane under the mouse in the multiplanar view).
 */
export function useViewer<S extends { labels: ArrayBuffer }>(options: ViewerOptions<S>) {
  const { controllerRef, scan, classes } = options;
  const api = useApi();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const viewportRef = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<ViewerStatus>('empty');
  const [shownId, setShownId] = useState<string | null>(null);
  const [mode, setMode] = useState<ViewMode>('multiplanar');
  const [windowRange, setWindowRange] = useState<WindowRange | null>(null);
  const [intensity, setIntensity] = useState<IntensityInfo | null>(null);
  const [location, setLocation] = useState<ViewerLocation | null>(null);
  const [labelsVisible, setLabelsVisible] = useState(true);
  const [labelOpacity, setLabelOpacity] = useState(0.5);
  const [activePlane, setActivePlane] = useState<Plane>('axial');
  const [labelCounts, setLabelCounts] = useState<Uint32Array | null>(null);
  const [classDisplays, setClassDisplays] = useState<ClassDisplays>({});
  const [tiles, setTiles] = useState<ViewTile[]>([]);
  const displaysRef = useRef(classDisplays);
  displaysRef.current = classDisplays;
  const overlayRef = useRef({ visible: labelsVisible, opacity: labelOpacity });
  overlayRef.current = { visible: labelsVisible, opacity: labelOpacity };
  // the effects below read the latest options without re-running when a callback changes
  const optionsRef = useRef(options);
  optionsRef.current = options;

  useEffect(() => {
    const controller = new ViewerController(canvasRef.current!, {
      onLocation: setLocation,
      onWindow: setWindowRange,
      onStroke: (parts) => optionsRef.current.onStroke(parts),
      onLabelCounts: setLabelCounts,
      onTiles: setTiles,
    });
    controllerRef.current = controller;
    return () => {
      controller.dispose();
      controllerRef.current = null;
    };
  }, [controllerRef]);

  // (Re)load when another scan is selected: the scan and its label map, shown together.
  const scanId = scan?.id ?? null;
  useEffect(() => {
    const controller = controllerRef.current;
    if (!controller) return;
    const { scan: shown, readLabels, onLabelsShown } = optionsRef.current;
    onLabelsShown(null);
    if (!shown) {
      void controller.clear();
      setStatus('empty');
      setShownId(null);
      setLocation(null);
      setWindowRange(null);
      return;
    }
    let live = true;
    setStatus('loading');
    (async () => {
      try {
        const [scan, snapshot] = await Promise.all([api.call('scans.image', { id: shown.id }), readLabels(shown.id)]);
        if (!live) return;
        const overlay = overlayRef.current;
        const intensity = await controller.show({
          scan,
          labels: snapshot.labels,
          lut: labelLut(optionsRef.current.classes, displaysRef.current),
          labelOpacity: overlay.opacity,
          labelsVisible: overlay.visible,
        });
        if (!live) return;
        optionsRef.current.onLabelsShown(snapshot);
        setWindowRange(controller.getWindow());
        setIntensity(intensity);
        setShownId(shown.id);
        setStatus('ready');
      } catch (err) {
        if (!live || err instanceof SupersededError) return;
        setStatus('error');
        setShownId(null);
        optionsRef.current.report(err, `Could not show ${shown.name}`);
      }
    })();
    return () => {
      live = false;
    };
  }, [api, controllerRef, scanId]);

  // New colours, or a class hidden or made fainter, are a new colour table for the drawing, not a reload.
  const classesKey = JSON.stringify(classes);
  useEffect(() => {
    controllerRef.current?.setLabelColours(labelLut(JSON.parse(classesKey) as LabelClass[], classDisplays));
  }, [controllerRef, classesKey, classDisplays]);
  // A deleted class's setting goes with it: a class added later under its value starts shown.
  useEffect(() => {
    const values = new Set((JSON.parse(classesKey) as LabelClass[]).map((c) => c.value));
    setClassDisplays((d) =>
      Object.keys(d).every((v) => values.has(Number(v))) ? d : Object.fromEntries(Object.entries(d).filter(([v]) => values.has(Number(v)))),
    );
  }, [classesKey]);
  const setClassDisplay = useCallback((value: number, display: ClassDisplay) => setClassDisplays((d) => ({ ...d, [value]: display })), []);

  const ready = status === 'ready';
  const pen = ready ? options.pen : null;
  const penValue = pen?.value ?? null;
  const penSize = pen?.size ?? null;
  useEffect(() => {
    controllerRef.current?.setPen(penValue === null || penSize === null ? null : { value: penValue, size: penSize });
  }, [controllerRef, penValue, penSize]);
  const brushOutlineRef = useBrushOutline(viewportRef, canvasRef, controllerRef, pen);
  /** What the cursor outline shows: the armed brush (in its class colour) or eraser, null when navigating. */
  const armed = pen ? { eraser: pen.value === 0, size: pen.size, color: classes.find((c) => c.value === pen.value)?.color ?? null } : null;

  // In the multiplanar view the slice keys follow the plane under the mouse.
  useEffect(() => {
    const viewport = viewportRef.current!;
    const onPointer = (e: PointerEvent) => {
      const rect = canvasRef.current!.getBoundingClientRect();
      const plane = controllerRef.current?.planeAt(e.clientX - rect.left, e.clientY - rect.top);
      if (plane) setActivePlane(plane);
    };
    // The wheel moves the slice under the mouse the way the arrow keys do (NiiVue's own wheel
    // goes the other way); over the 3D view it stays NiiVue's.
    const onWheel = (e: WheelEvent) => {
      const rect = canvasRef.current!.getBoundingClientRect();
      const controller = controllerRef.current;
      const plane = controller?.planeAt(e.clientX - rect.left, e.clientY - rect.top);
      const delta = wheelSliceDelta(e);
      if (!controller || !plane || delta === 0) return;
      e.preventDefault();
      e.stopPropagation();
      setActivePlane(plane);
      controller.stepSlice(plane, delta);
    };
    viewport.addEventListener('pointermove', onPointer);
    viewport.addEventListener('pointerdown', onPointer);
    viewport.addEventListener('wheel', onWheel, { capture: true, passive: false });
    return () => {
      viewport.removeEventListener('pointermove', onPointer);
      viewport.removeEventListener('pointerdown', onPointer);
      viewport.removeEventListener('wheel', onWheel, { capture: true });
    };
  }, [controllerRef]);

  const changeMode = useCallback(
    (next: ViewMode) => {
      setMode(next);
      controllerRef.current?.setViewMode(next);
      if (next === 'axial' || next === 'coronal' || next === 'sagittal') setActivePlane(next);
    },
    [controllerRef],
  );

  const display = options.display.settings;
  useEffect(() => controllerRef.current?.setDisplay(display), [controllerRef, display]);

  const changeOverlay = useCallback(
    (visible: boolean, opacity: number) => {
      setLabelsVisible(visible);
      setLabelOpacity(opacity);
      controllerRef.current?.setLabelOverlay(visible, opacity);
    },
    [controllerRef],
  );
  const toggleLabels = useCallback(() => changeOverlay(!overlayRef.current.visible, overlayRef.current.opacity), [changeOverlay]);

  const setWindow = (range: WindowRange) => {
    controllerRef.current?.setWindow(range);
    setWindowRange(range);
  };
  const resetWindow = () => setWindowRange(controllerRef.current?.resetWindow() ?? null);

  /** The plane the slice keys move: null in the 3D view, where NiiVue's own arrow keys rotate the render. */
  const keyPlane: Plane | null = mode === 'render' ? null : mode === 'multiplanar' ? activePlane : mode;
  // the plane whose slices the strip, the jump keys and the slice tools work on
  const slicePlane: Plane = keyPlane ?? 'axial';
  /** The stored axis along the slice plane's normal, and the crosshair's slice along it. */
  const axis = ready ? (controllerRef.current?.axisOfPlane(slicePlane) ?? null) : null;
  const currentSlice = axis && location ? location.voxel['ijk'.indexOf(axis)] : null;

  const stepSlice = useCallback((plane: Plane, delta: number) => controllerRef.current?.stepSlice(plane, delta), [controllerRef]);
  const goToSlice = (slice: number) => controllerRef.current?.goToSlice(slicePlane, slice);
  /** Goes to a slice of the slice plane and gives the views the keys. */
  const jumpTo = (slice: number) => {
    goToSlice(slice);
    controllerRef.current?.focus();
  };
  const showClassColours = (next: LabelClass[]) => controllerRef.current?.setLabelColours(labelLut(next, displaysRef.current));

  return {
    controllerRef,
    canvasRef,
    viewportRef,
    status,
    ready,
    shownId,
    location,
    mode,
    changeMode,
    windowRange,
    intensity,
    setWindow,
    resetWindow,
    labelsVisible,
    labelOpacity,
    changeOverlay,
    toggleLabels,
    showClassColours,
    classDisplays,
    setClassDisplay,
    /** Orientation convention and what the 3D view renders. */
    display,
    changeDisplay: options.display.change,
    /** Where each plane's view is on the canvas (for the orientation markers). */
    tiles,
    /** Voxels per label value in the shown scan's label map; null while none is shown. */
    labelCounts: ready ? labelCounts : null,
    armed,
    brushOutlineRef,
    keyPlane,
    axis,
    currentSlice,
    stepSlice,
    goToSlice,
    jumpTo,
  };
}

export type Viewer = ReturnType<typeof useViewer>;
