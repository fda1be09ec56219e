import { useEffect } from 'react';
import type { SliceState } from '../../../shared/types.ts';
import { nextSliceWithState } from '../annotation/sliceNavigation.ts';
import type { AnnotationKeyAction } from '../annotation/shortcuts.ts';
import type { Annotation } from '../annotation/useAnnotation.ts';
import { useAnnotationKeys } from '../annotation/useAnnotationKeys.ts';
import type { AnnotationTools } from '../annotation/useAnnotationTools.ts';
import type { ReviewDecisions } from '../review/reviewDecisions.ts';
import type { ReviewState } from '../review/useReview.ts';
import type { Viewer } from '../viewer/useViewer.ts';
import { sliceKeyAction } from '../viewer/viewerKeys.ts';
import { fieldTakesKey } from './keyTargets.ts';

interface WorkbenchKeysArgs {
  viewer: Viewer;
  /** Whether the shown scan's annotation is loaded: the annotation shortcuts work only then. */
  annotationReady: boolean;
  tools: AnnotationTools;
  annotation: Annotation;
  review: Pick<ReviewState, 'toggleLayer'>;
  decisions: Pick<ReviewDecisions, 'decide' | 'next'>;
  /** The states of the slices along the slice plane's axis. */
  states: readonly SliceState[] | null;
  /** Whether the Segment tab is open: only there do Enter and Shift+B mark the slice (elsewhere Enter presses the focused button). */
  segmenting: boolean;
  toggleHelp(): void;
}

/**
 * What every key does in the workbench: the view keys (slices, view modes, labels; see
 * viewerKeys.ts) and the annotation shortcuts (see shortcuts.ts) work wherever the focus is, but
 * in a field that takes the key (see keyTargets.ts) or under a dialog.
 */
export function useWorkbenchKeys({ viewer, annotationReady, tools, annotation, review, decisions, states, segmenting, toggleHelp }: WorkbenchKeysArgs): void {
  useAnnotationKeys((action: AnnotationKeyAction): boolean | void => {
    switch (action.kind) {
      case 'help':
        toggleHelp();
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
        if (action.action === 'next') decisions.next();
        else void decisions.decide(action.action);
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
      case 'slice': {
        // With Review open, Enter on a slice showing a prediction would confirm the labels
        // beneath it, not the prediction (Y accepts that): marking a slice belongs to Segment.
        const { axis, currentSlice } = viewer;
        if (!segmenting) return false;
        if (axis === null || currentSlice === null) return;
        if (action.action === 'complete') void annotation.setSliceState(axis, [currentSlice], 'annotated');
        else void annotation.markBackground(axis, currentSlice);
        return;
      }
      case 'jump': {
        if (!states || viewer.currentSlice === null) return;
        const target = nextSliceWithState(states, viewer.currentSlice, action.direction, action.state);
        if (target !== null) viewer.goToSlice(target);
      }
    }
  }, annotationReady);

  // The view keys work wherever the focus is (a button just clicked in the side panel included),
  // but in a field that takes the key. Caught on the way down, before NiiVue's own listeners on
  // the canvas (which move the crosshair in-plane instead of changing slices).
  const { viewportRef, keyPlane, ready, stepSlice, changeMode, toggleLabels } = viewer;
  useEffect(() => {
    const viewport = viewportRef.current!;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || fieldTakesKey(e.target, e.key) || document.querySelector('dialog[open]')) return;
      const action = sliceKeyAction(e, { keyPlane, labelsShown: ready });
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      if (action.kind === 'slice') stepSlice(action.plane, action.delta);
      else if (action.kind === 'mode') changeMode(action.mode);
      else if (action.kind === 'toggle-labels') toggleLabels();
    };
    // NiiVue's key-up hotkeys (clip planes, view cycling) would fight with ours: keep them out.
    const onKeyUp = (e: KeyboardEvent) => e.stopPropagation();
    window.addEventListener('keydown', onKeyDown, true);
    viewport.addEventListener('keyup', onKeyUp, true);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      viewport.removeEventListener('keyup', onKeyUp, true);
    };
  }, [viewportRef, keyPlane, ready, stepSlice, changeMode, toggleLabels]);
}
