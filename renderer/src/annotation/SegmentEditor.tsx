import type { Axis, LabelClass, RunInfo, SliceState, ScanInfo } from '../../../shared/types.ts';
import { ClassPanel } from './ClassPanel.tsx';
import { LabelFiles } from './LabelFiles.tsx';
import { interpolationGap } from './sliceNavigation.ts';
import { SliceTools } from './SliceTools.tsx';
import { FillOptions } from './FillOptions.tsx';
import { ToolBar } from './ToolBar.tsx';
import type { Annotation } from './useAnnotation.ts';
import type { AnnotationTools } from './useAnnotationTools.ts';
import type { FillTool } from './useFillTool.ts';
import type { ClassDisplay, ClassDisplays } from '../viewer/labelColormap.ts';
import { voxelMl } from './classVolume.ts';
import './annotation.css';

interface SegmentEditorProps {
  classes: LabelClass[];
  tools: AnnotationTools;
  annotation: Annotation;
  /** The Fill tool's tolerance and preview, shown while it is in hand. */
  fill: FillTool;
  /** Whether the shown scan's annotation is loaded, so that it can be edited. */
  ready: boolean;
  /** The stored axis of the slice plane, the crosshair's slice along it, and the states of its slices. */
  axis: Axis | null;
  slice: number | null;
  states: readonly SliceState[] | null;
  scan: ScanInfo | null;
  /** Every scan of the project, for "export all". */
  scans: ScanInfo[];
  /** The run whose prediction the Review tab shows: what "raw prediction" exports. */
  predictionRun: RunInfo | null;
  /** The class table changed: its colours go to the drawing at once. */
  onClassColours(classes: LabelClass[]): void;
  /** How each class is drawn in the viewer, and the change of one. */
  classDisplays: ClassDisplays;
  onClassDisplay(value: number, display: ClassDisplay): void;
  /** Voxels per label value in the shown scan's label map; null while none is shown. */
  labelCounts: Uint32Array | null;
  /** Something the editor changed on the server (classes, a scan's labels): re-read the project. */
  onProjectStale(): void;
  onHelp(): void;
  report(err: unknown, context: string): void;
}

/** The Segment tab: classes, painting tools, whole-slice tools, label files and the shortcut help. */
export function SegmentEditor(props: SegmentEditorProps) {
  const { classes, tools, annotation, ready, axis, slice, states, report } = props;

  const reloadLabels = () => void annotation.refresh().catch((err) => report(err, 'Could not reload the labels'));
  const onClassesChanged = (next: LabelClass[], removed: boolean) => {
    props.onClassColours(next);
    props.onProjectStale();
    if (removed) reloadLabels();
  };
  const onLabelsImported = () => {
    props.onProjectStale();
    reloadLabels();
  };

  const interpolate = () => {
    if (!axis || !states || slice === null) return;
    const gap = interpolationGap(states, slice);
    if ('problem' in gap) report(new Error(gap.problem), 'Cannot interpolate');
    else void annotation.interpolate(axis, gap.from, gap.to);
  };
  const accept = (all: boolean) => {
    if (!axis || !states || slice === null) return;
    const slices = all ? states.flatMap((s, n) => (s === 'interpolated' ? [n] : [])) : [slice];
    if (slices.length) void annotation.setSliceState(axis, slices, 'annotated');
  };

  return (
    <>
      <ClassPanel
        classes={classes}
        active={tools.activeClass}
        onSelect={tools.setActiveClass}
        onChanged={onClassesChanged}
        report={report}
        displays={props.classDisplays}
        onDisplay={props.onClassDisplay}
        volumes={ready && props.scan && props.labelCounts ? { counts: props.labelCounts, voxelMl: voxelMl(props.scan.spacing) } : null}
      />
      <ToolBar
        tool={tools.tool}
        onTool={tools.setTool}
        brushSize={tools.brushSize}
        onBrushSize={tools.setBrushSize}
        canUndo={annotation.state.canUndo}
        canRedo={annotation.state.canRedo}
        onUndo={() => void annotation.undo()}
        onRedo={() => void annotation.redo()}
        disabled={!ready}
      />
      {ready && tools.tool === 'brush' && tools.activeClass === null && (
        <p className="form-problem" data-testid="no-class-hint">
          Add a class to paint with.
        </p>
      )}
      {tools.tool === 'fill' && (
        <FillOptions fill={props.fill} className={classes.find((c) => c.value === tools.activeClass)?.name ?? null} disabled={!ready} />
      )}
      <SliceTools
        axis={axis}
        slice={slice}
        state={states && slice !== null ? (states[slice] ?? null) : null}
        interpolatedCount={states?.filter((s) => s === 'interpolated').length ?? 0}
        onInterpolate={interpolate}
        onMarkComplete={() => axis && slice !== null && void annotation.setSliceState(axis, [slice], 'annotated')}
        onMarkBackground={() => axis && slice !== null && void annotation.markBackground(axis, slice)}
        onAccept={accept}
        disabled={!ready}
      />
      <LabelFiles scan={ready ? props.scan : null} scans={props.scans} predictionRun={props.predictionRun} onImported={onLabelsImported} report={report} />
      <button type="button" className="button button--small help-button" data-testid="help-button" onClick={props.onHelp}>
        Keyboard shortcuts (?)
      </button>
    </>
  );
}
