import { useRef, useState } from 'react';
import type { ProjectInfo, ScanInfo } from '../../../shared/types.ts';
import { HelpOverlay } from '../annotation/HelpOverlay.tsx';
import { SaveIndicator } from '../annotation/SaveIndicator.tsx';
import { SegmentEditor } from '../annotation/SegmentEditor.tsx';
import { SliceStateStrip } from '../annotation/SliceStateStrip.tsx';
import { useAnnotation } from '../annotation/useAnnotation.ts';
import { useAnnotationTools } from '../annotation/useAnnotationTools.ts';
import { useFillTool } from '../annotation/useFillTool.ts';
import { FirstRunGuide } from '../guide/FirstRunGuide.tsx';
import { nextStep, nextStepInput } from '../guide/nextStep.ts';
import { NextStepHint } from '../guide/NextStepHint.tsx';
import type { Guide } from '../guide/useGuide.ts';
import { ReviewPanel } from '../review/ReviewPanel.tsx';
import { reviewDecisions } from '../review/reviewDecisions.ts';
import { sliceDisplay } from '../review/sliceDisplay.ts';
import { UncertaintyBar } from '../review/UncertaintyBar.tsx';
import { useReview } from '../review/useReview.ts';
import { TrainPanel } from '../training/TrainPanel.tsx';
import '../training/training.css';
import { useTraining } from '../training/useTraining.ts';
import type { ViewerController } from '../viewer/ViewerController.ts';
import type { DisplayPreference } from '../viewer/useDisplaySettings.ts';
import { useViewer } from '../viewer/useViewer.ts';
import { ViewerPane } from '../viewer/ViewerPane.tsx';
import { SidePanel } from './SidePanel.tsx';
import { useConfirmClose } from './useConfirmClose.ts';
import { useWorkbenchKeys } from './useWorkbenchKeys.ts';

interface WorkbenchProps {
  project: ProjectInfo | null;
  /** The scan selected in the list: the one shown, annotated and reviewed. */
  scan: ScanInfo | null;
  /** Something changed on the server (classes, labels, runs): re-read the project. */
  onProjectStale(): void;
  report(err: unknown, context: string): void;
  /** The first-run guide, whose steps open the tabs their controls are on. */
  guide: Guide;
  /** How the views are shown (orientation convention, 3D), remembered by the app. */
  display: DisplayPreference;
}

/**
 * The work on the selected scan: the viewer, and beside it the Segment, Train and Review tabs.
 * The annotation and the review draw through the viewer; review decisions are annotation edits.
 */
export function Workbench({ project, scan, onProjectStale, report, guide, display: displayPreference }: WorkbenchProps) {
  const classes = project?.classes ?? [];
  const currentModelRunId = project?.currentModelRunId ?? null;
  const controllerRef = useRef<ViewerController | null>(null);
  const annotation = useAnnotation(controllerRef);
  const tools = useAnnotationTools(classes);
  const [tab, setTab] = useState('segment');
  // A tool acts only where the user sees it armed: with Train or Review open, a click on the
  // image navigates (a fill "on the Train tab" once painted a whole slice).
  const segmenting = tab === 'segment';
  // Taking up a painting tool (a key, or Correct in Review) opens Segment, where it acts and shows.
  const takeTool = (tool: Parameters<typeof tools.setTool>[0]) => {
    tools.setTool(tool);
    if (tool !== 'navigate') setTab('segment');
  };
  const viewer = useViewer({
    controllerRef,
    scan,
    classes,
    readLabels: annotation.load,
    onLabelsShown: annotation.reset,
    onStroke: annotation.paintStroke,
    pen: segmenting ? tools.pen : null,
    display: displayPreference,
    report,
  });
  const [helpOpen, setHelpOpen] = useState(false);
  const training = useTraining(report, onProjectStale);
  useConfirmClose(training.active?.kind === 'train');

  const { axis, currentSlice } = viewer;
  const annotationReady = viewer.ready && annotation.state.scanId === viewer.shownId;
  const axisStates = axis && annotation.state.slices ? annotation.state.slices[axis] : null;
  const axisReviews = axis && annotation.state.reviews ? annotation.state.reviews[axis] : null;
  const review = useReview({
    controllerRef,
    scanId: annotationReady ? viewer.shownId : null,
    runs: project?.runs ?? [],
    newestPredictionRunId: training.predictionRunId,
    currentModelRunId,
    axis,
    annotationKey: JSON.stringify([axisStates, axisReviews]),
    classes,
    edit: annotation.edit,
    report,
  });
  const decisions = reviewDecisions({
    review,
    ready: annotationReady,
    states: axisStates,
    reviews: axisReviews,
    slice: currentSlice,
    jumpTo: viewer.jumpTo,
    onCorrected: () => takeTool('brush'),
    report,
  });
  const predictionShown = review.layer !== null && review.status === 'shown';
  const display = axisStates ? sliceDisplay(axisStates, axisReviews ?? [], predictionShown) : null;
  const hint = project ? nextStep(nextStepInput(project, training.active?.kind ?? null, review.queue?.length ?? null)) : null;

  useWorkbenchKeys({
    viewer,
    annotationReady,
    tools: { ...tools, setTool: takeTool },
    annotation,
    review,
    decisions,
    states: axisStates,
    segmenting,
    toggleHelp: () => setHelpOpen((open) => !open),
  });
  const fill = useFillTool(viewer, annotation, tools.activeClass, annotationReady && segmenting && tools.tool === 'fill');

  return (
    <>
      <ViewerPane
        viewer={viewer}
        scan={scan}
        classes={classes}
        slices={annotationReady ? annotation.state.slices : null}
        legend={
          review.layer === 'uncertainty' && review.status === 'shown' && controllerRef.current ? <UncertaintyBar controller={controllerRef.current} /> : null
        }
        strip={
          axis && display ? (
            <SliceStateStrip axis={axis} states={display} current={currentSlice} onJump={viewer.jumpTo} />
          ) : (
            <div className="slice-strip slice-strip--empty" />
          )
        }
      />
      <SidePanel
        tab={tab}
        onTab={setTab}
        status={annotationReady ? <SaveIndicator status={annotation.state.save} /> : null}
        hint={hint && <NextStepHint step={hint} tab={tab} onTab={setTab} />}
        tabs={[
          {
            id: 'segment',
            title: 'Segment',
            content: (
              <SegmentEditor
                classes={classes}
                tools={tools}
                annotation={annotation}
                fill={fill}
                ready={annotationReady}
                axis={axis}
                slice={currentSlice}
                states={axisStates}
                scan={scan}
                scans={project?.scans ?? []}
                predictionRun={review.runs.find((r) => r.id === review.runId) ?? null}
                onClassColours={viewer.showClassColours}
                classDisplays={viewer.classDisplays}
                onClassDisplay={viewer.setClassDisplay}
                labelCounts={viewer.labelCounts}
                onProjectStale={onProjectStale}
                onHelp={() => setHelpOpen(true)}
                report={report}
              />
            ),
          },
          { id: 'train', title: 'Train', testId: 'train-tab', content: <TrainPanel project={project} training={training} report={report} /> },
          {
            id: 'review',
            title: 'Review',
            testId: 'review-tab',
            content: (
              <ReviewPanel
                review={review}
                scanId={annotationReady ? viewer.shownId : null}
                methods={training.methods}
                currentModelRunId={currentModelRunId}
                axis={axis}
                slice={currentSlice}
                display={display && currentSlice !== null ? (display[currentSlice] ?? null) : null}
                onDecide={(action) => void decisions.decide(action)}
                onDecideScan={(action) => void decisions.decideRemaining(action)}
                remaining={decisions.remaining.length}
                onNext={decisions.next}
                onJump={viewer.jumpTo}
                disabled={!annotationReady}
              />
            ),
          },
        ]}
      />
      {helpOpen && <HelpOverlay onClose={() => setHelpOpen(false)} />}
      {guide.open && project && <FirstRunGuide project={project} onTab={setTab} onClose={guide.close} />}
    </>
  );
}
