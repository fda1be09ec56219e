import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { MethodSpec } from '../../../shared/methods.ts';
import type { LabelClass, RunInfo, VolumeInfo } from '../../../shared/types.ts';
import { AnnotationPanel } from '../annotation/AnnotationPanel.tsx';
import { ClassPanel } from '../annotation/ClassPanel.tsx';
import { HelpOverlay } from '../annotation/HelpOverlay.tsx';
import { LabelFiles } from '../annotation/LabelFiles.tsx';
import { interpolationGap, nextSliceWithState } from '../annotation/sliceNavigation.ts';
import { SliceStateStrip } from '../annotation/SliceStateStrip.tsx';
import { SliceTools } from '../annotation/SliceTools.tsx';
import type { AnnotationKeyAction } from '../annotation/shortcuts.ts';
import { ToolBar } from '../annotation/ToolBar.tsx';
import { useAnnotation } from '../annotation/useAnnotation.ts';
import { useAnnotationKeys } from '../annotation/useAnnotationKeys.ts';
import { useAnnotationTools } from '../annotation/useAnnotationTools.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { ReviewPanel } from '../review/ReviewPanel.tsx';
import { sliceDisplay } from '../review/sliceDisplay.ts';
import { useReview, type ReviewAction } from '../review/useReview.ts';
import { LabelOverlayControls } from './LabelOverlayControls.tsx';
import { labelLut } from './labelColormap.ts';
import { LocationReadout } from './LocationReadout.tsx';
import { SupersededError, ViewerController, type StrokePart } from './ViewerController.ts';
import { ViewModeSwitch } from './ViewModeSwitch.tsx';
import { WindowLevelControls } from './WindowLevelControls.tsx';
import { sliceKeyAction } from './viewerKeys.ts';
import type { Plane, ViewerLocation, ViewMode, WindowRange } from './viewTypes.ts';

interface ViewerPaneProps {
  volume: VolumeInfo | null;
  /** Every scan of the project, for "export all". */
  volumes: VolumeInfo[];
  classes: LabelClass[];
  /** Something this pane changed on the server (classes, a scan's labels): re-read the project. */
  onProjectStale(): void;
  report(err: unknown, context: string): void;
  /** The Train tab beside the segment editor. */
  trainPanel?: ReactNode;
  /** The project's runs, whose predictions the Review tab shows. */
  runs: RunInfo[];
  methods: readonly MethodSpec[] | null;
  /** A run that has just predicted every scan: its prediction is shown at once. */
  newestPredictionRunId: string | null;
  currentModelRunId: string | null;
}

type ViewerStatus = 'empty' | 'loading' | 'ready' | 'error';

/**
 * The image area (toolbar, the NiiVue canvas with its loading state, the slice-state strip, the
 * crosshair readout) and beside it the segment editor that paints on it.
 */
export function ViewerPane({ volume, volumes, classes, onProjectStale, report, trainPanel, runs, methods, newestPredictionRunId, currentModelRunId }: ViewerPaneProps) {
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
  const [labelsVisible, setLabelsVisible] = useState(true);
  const [labelOpacity, setLabelOpacity] = useState(0.5);
  const [activePlane, setActivePlane] = useState<Plane>('axial');
  const overlayRef = useRef({ visible: labelsVisible, opacity: labelOpacity });
  overlayRef.current = { visible: labelsVisible, opacity: labelOpacity };
  const reportRef = useRef(report);
  reportRef.current = report;
  const [helpOpen, setHelpOpen] = useState(false);
  const annotation = useAnnotation(controllerRef);
  const tools = useAnnotationTools(classes);
  const strokeRef = useRef<(parts: StrokePart[]) => void>(annotation.paintStroke);
  strokeRef.current = annotation.paintStroke;

  useEffect(() => {
    const canvas = canvasRef.current!;
    const controller = new ViewerController(canvas, {
      onLocation: setLocation,
      onWindow: setWindowRange,
      onStroke: (parts) => strokeRef.current(parts),
    });
    controllerRef.current = controller;
    return () => {
      controller.dispose();
      controllerRef.current = null;
    };
  }, []);

  // (Re)load when another scan is selected: the scan and its annotation, shown together.
  const classesRef = useRef(classes);
  classesRef.current = classes;
  const resetAnnotation = annotation.reset;
  useEffect(() => {
    const controller = controllerRef.current;
    if (!controller) return;
    resetAnnotation(null);
    if (!volume) {
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
        const [scan, snapshot] = await Promise.all([
          api.call('volumes.scan', { id: volume.id }),
          api.call('annotations.load', { volumeId: volume.id }),
        ]);
        if (!live) return;
        const overlay = overlayRef.current;
        const intensity = await controller.show({
          scan,
          labels: snapshot.labels,
          lut: labelLut(classesRef.current),
          labelOpacity: overlay.opacity,
          labelsVisible: overlay.visible,
        });
        if (!live) return;
        resetAnnotation(snapshot);
        setWindowRange(controller.getWindow());
        setDataRange({ min: intensity.dataMin, max: intensity.dataMax });
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
  }, [api, volume?.id, resetAnnotation]); // eslint-disable-line react-hooks/exhaustive-deps

  // New colours are a new colour table for the drawing, not a reload.
  const classesKey = JSON.stringify(classes);
  useEffect(() => {
    controllerRef.current?.setLabelColours(labelLut(JSON.parse(classesKey) as LabelClass[]));
  }, [classesKey]);

  const ready = status === 'ready';
  const pen = ready ? tools.pen : null;
  useEffect(() => {
    controllerRef.current?.setPen(pen);
  }, [pen?.value, pen?.size]); // eslint-disable-line react-hooks/exhaustive-deps

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
  // the plane whose slices the strip, the jump keys and the slice tools work on
  const slicePlane: Plane = keyPlane ?? 'axial';
  const axis = ready ? (controllerRef.current?.axisOfPlane(slicePlane) ?? null) : null;
  const axisStates = axis && annotation.state.slices ? annotation.state.slices[axis] : null;
  const currentSlice = axis && location ? location.voxel['ijk'.indexOf(axis)] : null;
  const annotationReady = ready && annotation.state.volumeId === shownId;

  const interpolate = () => {
    if (!axis || !axisStates || currentSlice === null) return;
    const gap = interpolationGap(axisStates, currentSlice);
    if ('problem' in gap) reportRef.current(new Error(gap.problem), 'Cannot interpolate');
    else void annotation.interpolate(axis, gap.from, gap.to);
  };
  const accept = (all: boolean) => {
    if (!axis || !axisStates || currentSlice === null) return;
    const slices = all ? axisStates.flatMap((s, n) => (s === 'interpolated' ? [n] : [])) : [currentSlice];
    if (slices.length) void annotation.setSliceState(axis, slices, 'annotated');
  };
  const jumpTo = (slice: number) => {
    controllerRef.current?.goToSlice(slicePlane, slice);
    controllerRef.current?.focus();
  };

  const axisReviews = axis && annotation.state.reviews ? annotation.state.reviews[axis] : null;
  const review = useReview({
    controllerRef,
    volumeId: annotationReady ? shownId : null,
    runs,
    newestPredictionRunId,
    currentModelRunId,
    axis,
    annotationKey: JSON.stringify([axisStates, axisReviews]),
    classes,
    edit: annotation.edit,
    report,
  });
  const predictionShown = review.layer !== null && review.status === 'shown';
  const display = axisStates ? sliceDisplay(axisStates, axisReviews ?? [], predictionShown) : null;
  const currentDisplay = display && currentSlice !== null ? (display[currentSlice] ?? null) : null;
  const decide = async (action: ReviewAction) => {
    if (currentSlice === null || !annotationReady) return;
    if (!review.predictedHere) {
      reportRef.current(new Error('the chosen run has no prediction of this scan'), 'Nothing to review');
      return;
    }
    if (axisStates?.[currentSlice] === 'annotated') {
      reportRef.current(new Error(`slice ${currentSlice} is annotated: a person's annotation is neither replaced by a prediction nor rejected`), 'Nothing to review');
      return;
    }
    if ((await review.decide(action, [currentSlice])) && action === 'correct') tools.setTool('brush');
  };
  // the scan's slices along the axis that are neither annotated nor decided
  const remaining = axisStates ? axisStates.flatMap((s, n) => (s !== 'annotated' && !axisReviews?.some((r) => r.slice === n) ? [n] : [])) : [];
  const nextToReview = () => {
    const next = review.queue?.find((e) => e.slice !== currentSlice);
    if (next) jumpTo(next.slice);
  };

  useAnnotationKeys((action: AnnotationKeyAction) => {
    switch (action.kind) {
      case 'help':
        setHelpOpen((open) => !open);
        return;
      case 'tool':
        tools.setTool(action.tool);
        return;
      case 'brush-size':
        tools.setBrushSize(tools.brushSize + action.delta);
        return;
      case 'class': {
        const cls = tools.ordered[action.index];
        if (cls) tools.setActiveClass(cls.value);
        return;
      }
      case 'review':
        if (action.action === 'next') nextToReview();
        else void decide(action.action);
        return;
      case 'overlay':
        review.toggleLayer(action.layer);
        return;
      case 'undo':
        if (annotation.state.canUndo) void annotation.undo();
        return;
      case 'redo':
        if (annotation.state.canRedo) void annotation.redo();
        return;
      case 'jump': {
        if (!axisStates || currentSlice === null) return;
        const target = nextSliceWithState(axisStates, currentSlice, action.direction, action.state);
        if (target !== null) controllerRef.current?.goToSlice(slicePlane, target);
      }
    }
  }, annotationReady);

  // The fill tool: a click puts the crosshair on the seed voxel (NiiVue moves it on mouse down).
  const fillRef = useRef<(x: number, y: number) => void>(() => undefined);
  fillRef.current = (x, y) => {
    const controller = controllerRef.current;
    const plane = controller?.planeAt(x, y);
    const seed = controller?.crosshairVoxel();
    const fillAxis = plane ? controller?.axisOfPlane(plane) : null;
    if (!plane || !seed || !fillAxis || tools.activeClass === null) return;
    void annotation.fill(fillAxis, seed, tools.activeClass);
  };
  const filling = annotationReady && tools.tool === 'fill';
  useEffect(() => {
    if (!filling) return;
    const viewport = viewportRef.current!;
    const onClick = (e: MouseEvent) => {
      const rect = canvasRef.current!.getBoundingClientRect();
      fillRef.current(e.clientX - rect.left, e.clientY - rect.top);
    };
    viewport.addEventListener('click', onClick);
    return () => viewport.removeEventListener('click', onClick);
  }, [filling]);

  // Keys go to the canvas; intercept them before NiiVue's own listeners (which need the mouse
  // over the canvas and move the crosshair in-plane instead of changing slices).
  useEffect(() => {
    const viewport = viewportRef.current!;
    const onKeyDown = (e: KeyboardEvent) => {
      const action = sliceKeyAction(e, { keyPlane, labelsShown: ready });
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
  }, [keyPlane, ready, changeMode, changeOverlay]);

  const onClassesChanged = (next: LabelClass[], removed: boolean) => {
    controllerRef.current?.setLabelColours(labelLut(next));
    onProjectStale();
    if (removed) void annotation.refresh().catch((err) => reportRef.current(err, 'Could not reload the labels'));
  };
  const onLabelsImported = () => {
    onProjectStale();
    void annotation.refresh().catch((err) => reportRef.current(err, 'Could not reload the labels'));
  };

  return (
    <>
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
          {/* always there, so the toolbar (which may wrap) keeps its height while a scan loads */}
          <LabelOverlayControls
            visible={labelsVisible}
            opacity={labelOpacity}
            onVisible={(v) => changeOverlay(v, labelOpacity)}
            onOpacity={(o) => changeOverlay(labelsVisible, o)}
          />
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
        {axis && display ? (
          <SliceStateStrip axis={axis} states={display} current={currentSlice} onJump={jumpTo} />
        ) : (
          <div className="slice-strip slice-strip--empty" />
        )}
        <LocationReadout location={ready ? location : null} classes={classes} keyPlane={ready ? keyPlane : null} />
      </section>
      <AnnotationPanel
        save={annotationReady ? annotation.state.save : null}
        tabs={[
          ...(trainPanel ? [{ id: 'train', title: 'Train', content: trainPanel }] : []),
          {
            id: 'review',
            title: 'Review',
            content: (
              <ReviewPanel
                review={review}
                volumeId={annotationReady ? shownId : null}
                methods={methods}
                currentModelRunId={currentModelRunId}
                axis={axis}
                slice={currentSlice}
                display={currentDisplay}
                onDecide={(action) => void decide(action)}
                onDecideScan={(action) => void review.decide(action, remaining)}
                remaining={remaining.length}
                onNext={nextToReview}
                onJump={jumpTo}
                disabled={!annotationReady}
              />
            ),
          },
        ]}
      >
        <ClassPanel classes={classes} active={tools.activeClass} onSelect={tools.setActiveClass} onChanged={onClassesChanged} report={report} />
        <ToolBar
          tool={tools.tool}
          onTool={tools.setTool}
          brushSize={tools.brushSize}
          onBrushSize={tools.setBrushSize}
          canUndo={annotation.state.canUndo}
          canRedo={annotation.state.canRedo}
          onUndo={() => void annotation.undo()}
          onRedo={() => void annotation.redo()}
          disabled={!annotationReady}
        />
        {annotationReady && tools.tool === 'brush' && tools.activeClass === null && (
          <p className="form-problem" data-testid="no-class-hint">
            Add a class to paint with.
          </p>
        )}
        <SliceTools
          axis={axis}
          slice={currentSlice}
          state={axisStates && currentSlice !== null ? (axisStates[currentSlice] ?? null) : null}
          interpolatedCount={axisStates?.filter((s) => s === 'interpolated').length ?? 0}
          onInterpolate={interpolate}
          onMarkReviewed={() => axis && currentSlice !== null && void annotation.setSliceState(axis, [currentSlice], 'annotated')}
          onAccept={accept}
          disabled={!annotationReady}
        />
        <LabelFiles
          volume={annotationReady ? volume : null}
          volumes={volumes}
          predictionRun={review.runs.find((r) => r.id === review.runId) ?? null}
          onImported={onLabelsImported} report={report} />
        <button type="button" className="button button--small help-button" data-testid="help-button" onClick={() => setHelpOpen(true)}>
          Keyboard shortcuts (?)
        </button>
      </AnnotationPanel>
      {helpOpen && <HelpOverlay onClose={() => setHelpOpen(false)} />}
    </>
  );
}
