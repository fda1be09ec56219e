import { useCallback, useEffect, useRef, useState } from 'react';
import type { LabelClass, VolumeInfo } from '../../../shared/types.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { LabelOverlayControls } from './LabelOverlayControls.tsx';
import { labelColormap } from './labelColormap.ts';
import { LocationReadout } from './LocationReadout.tsx';
import { SupersededError, ViewerController } from './ViewerController.ts';
import { ViewModeSwitch } from './ViewModeSwitch.tsx';
import { WindowLevelControls } from './WindowLevelControls.tsx';
import { sliceKeyAction } from './viewerKeys.ts';
import type { Plane, ViewerLocation, ViewMode, WindowRange } from './viewTypes.ts';

interface ViewerPaneProps {
  volume: VolumeInfo | null;
  classes: LabelClass[];
  report(err: unknown, context: string): void;
}

type ViewerStatus = 'empty' | 'loading' | 'ready' | 'error';

/** The image area: toolbar, the NiiVue canvas with its loading state, and the crosshair readout. */
export function ViewerPane({ volume, classes, report }: ViewerPaneProps) {
  const api = useApi();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const viewportRef = useRef<HTMLDivElement>(null);
  const controllerRef = useRef<ViewerController | null>(null);
  const [status, setStatus] = useState<ViewerStatus>('empty');
  const [shownId, setShownId] = useState<string | null>(null);
  const [mode, setMode] = useState<ViewMode>('multiplanar');
  const [windowRange, setWindowRange] = useState<WindowRange | null>(null);
  const [dataRange, setDataRange] = useState<WindowRange | null>(null);
  const [location, setLocation] = useState<ViewerLocation | null>(null);
  const [labelsShown, setLabelsShown] = useState(false);
  const [labelsVisible, setLabelsVisible] = useState(true);
  const [labelOpacity, setLabelOpacity] = useState(0.5);
  const [activePlane, setActivePlane] = useState<Plane>('axial');
  const overlayRef = useRef({ visible: labelsVisible, opacity: labelOpacity });
  overlayRef.current = { visible: labelsVisible, opacity: labelOpacity };
  const reportRef = useRef(report);
  reportRef.current = report;

  useEffect(() => {
    const canvas = canvasRef.current!;
    const controller = new ViewerController(canvas, {
      onLocation: setLocation,
      onWindow: setWindowRange,
    });
    controllerRef.current = controller;
    return () => {
      controller.dispose();
      controllerRef.current = null;
    };
  }, []);

  // (Re)load when another scan is selected, when it gains a label map, or when class colours change.
  const classesKey = JSON.stringify(classes);
  useEffect(() => {
    const controller = controllerRef.current;
    if (!controller) return;
    if (!volume) {
      void controller.clear();
      setStatus('empty');
      setShownId(null);
      setLocation(null);
      setWindowRange(null);
      setLabelsShown(false);
      return;
    }
    let live = true;
    setStatus('loading');
    (async () => {
      try {
        const [scan, labels] = await Promise.all([
          api.call('volumes.scan', { id: volume.id }),
          volume.hasLabels ? api.call('volumes.labels', { id: volume.id }) : Promise.resolve(null),
        ]);
        if (!live) return;
        const overlay = overlayRef.current;
        const intensity = await controller.show({
          scan,
          labels,
          colormap: labels ? labelColormap(JSON.parse(classesKey) as LabelClass[]) : null,
          labelOpacity: overlay.opacity,
          labelsVisible: overlay.visible,
        });
        if (!live) return;
        setWindowRange(controller.getWindow());
        setDataRange({ min: intensity.dataMin, max: intensity.dataMax });
        setLabelsShown(labels !== null);
        setShownId(volume.id);
        setStatus('ready');
      } catch (err) {
        if (!live || err instanceof SupersededError) return;
        setStatus('error');
        setShownId(null);
        reportRef.current(err, `Could not show ${volume.name}`);
      }
    })();
    return () => {
      live = false;
    };
  }, [api, volume?.id, volume?.hasLabels, classesKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const changeMode = useCallback((next: ViewMode) => {
    setMode(next);
    controllerRef.current?.setViewMode(next);
    if (next === 'axial' || next === 'coronal' || next === 'sagittal') setActivePlane(next);
  }, []);

  const changeOverlay = useCallback((visible: boolean, opacity: number) => {
    setLabelsVisible(visible);
    setLabelOpacity(opacity);
    controllerRef.current?.setLabelOverlay(visible, opacity);
  }, []);

  const keyPlane: Plane | null = mode === 'render' ? null : mode === 'multiplanar' ? activePlane : mode;

  // Keys go to the canvas; intercept them before NiiVue's own listeners (which need the mouse
  // over the canvas and move the crosshair in-plane instead of changing slices).
  useEffect(() => {
    const viewport = viewportRef.current!;
    const onKeyDown = (e: KeyboardEvent) => {
      const action = sliceKeyAction(e, { keyPlane, labelsShown });
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      const controller = controllerRef.current;
      if (action.kind === 'slice') controller?.stepSlice(action.plane, action.delta);
      else if (action.kind === 'mode') changeMode(action.mode);
      else if (action.kind === 'toggle-labels') changeOverlay(!overlayRef.current.visible, overlayRef.current.opacity);
    };
    // NiiVue's key-up hotkeys (clip planes, view cycling) would fight with ours: keep them out.
    const onKeyUp = (e: KeyboardEvent) => e.stopPropagation();
    const onPointer = (e: PointerEvent) => {
      const rect = canvasRef.current!.getBoundingClientRect();
      const plane = controllerRef.current?.planeAt(e.clientX - rect.left, e.clientY - rect.top);
      if (plane) setActivePlane(plane);
    };
    viewport.addEventListener('keydown', onKeyDown, true);
    viewport.addEventListener('keyup', onKeyUp, true);
    viewport.addEventListener('pointermove', onPointer);
    viewport.addEventListener('pointerdown', onPointer);
    return () => {
      viewport.removeEventListener('keydown', onKeyDown, true);
      viewport.removeEventListener('keyup', onKeyUp, true);
      viewport.removeEventListener('pointermove', onPointer);
      viewport.removeEventListener('pointerdown', onPointer);
    };
  }, [keyPlane, labelsShown, changeMode, changeOverlay]);

  const ready = status === 'ready';
  return (
    <section
      className="viewer"
      aria-label="Viewer"
      data-testid="viewer"
      data-state={status}
      data-volume-id={shownId ?? ''}
      data-view-mode={mode}
    >
      <div className="viewer-toolbar" role="toolbar" aria-label="View controls">
        <ViewModeSwitch mode={mode} onChange={changeMode} />
        <WindowLevelControls
          window={ready ? windowRange : null}
          dataRange={ready ? dataRange : null}
          onChange={(range) => {
            controllerRef.current?.setWindow(range);
            setWindowRange(range);
          }}
          onReset={() => setWindowRange(controllerRef.current?.resetWindow() ?? null)}
        />
        {ready && labelsShown && (
          <LabelOverlayControls
            visible={labelsVisible}
            opacity={labelOpacity}
            onVisible={(v) => changeOverlay(v, labelOpacity)}
            onOpacity={(o) => changeOverlay(labelsVisible, o)}
          />
        )}
        <span className="viewer-toolbar__title" data-testid="viewer-title">
          {volume?.name ?? ''}
        </span>
      </div>
      <div className="viewport" ref={viewportRef}>
        <div className="viewport__canvas-host">
          <canvas
            ref={canvasRef}
            className="viewport__canvas"
            data-testid="viewer-canvas"
            aria-label="Image views. Arrow keys or Page Up/Page Down change the slice; A, C, S, M and R switch views."
          />
        </div>
        {status === 'loading' && (
          <div className="viewport__veil" data-testid="viewer-loading" role="status">
            <span className="spinner spinner--large" aria-hidden="true" />
            Loading {volume?.name}…
          </div>
        )}
        {status === 'empty' && (
          <div className="viewport__veil viewport__veil--empty" data-testid="viewer-empty">
            Select a scan to view it
          </div>
        )}
        {status === 'error' && (
          <div className="viewport__veil viewport__veil--empty" data-testid="viewer-error">
            This scan could not be shown
          </div>
        )}
      </div>
      <LocationReadout location={ready ? location : null} classes={classes} keyPlane={ready ? keyPlane : null} />
    </section>
  );
}
