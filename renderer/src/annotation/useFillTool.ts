import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Axis, FillPreview } from '../../../shared/types.ts';
import { errorMessage } from '../api/errors.ts';
import { fieldTakesKey } from '../app/keyTargets.ts';
import type { Viewer } from '../viewer/useViewer.ts';
import type { Annotation } from './useAnnotation.ts';

/** Where a preview was asked for, and with what tolerance (null: the slice's default). */
interface Wanted {
  axis: Axis;
  seed: [number, number, number];
  value: number;
  tolerance: number | null;
}

/**
 * The fill tool. While `enabled`, a click on a view previews the fill from the clicked voxel in
 * that view's slice (NiiVue has already put the crosshair on it on mouse down, so the crosshair
 * is the seed): the server computes the region, bounded by the labels and by the intensity within
 * `tolerance` of the seed's, and the viewer shows it. A click on the preview, Enter or `apply`
 * commits exactly that region as one undoable edit; Escape, `cancel`, another slice, another
 * scan, another tool, or any other edit of the labels drops it. A tolerance change re-asks the
 * preview; the tolerance chosen stays for later clicks until reset to the default (null).
 */
export function useFillTool(viewer: Viewer, annotation: Pick<Annotation, 'fillPreview' | 'fill' | 'state'>, value: number | null, enabled: boolean) {
  const { viewportRef, canvasRef, controllerRef, location } = viewer;
  const [preview, setPreview] = useState<FillPreview | null>(null);
  const [tolerance, setToleranceState] = useState<number | null>(null);
  /** The slice's default and largest tolerance, from the latest preview: the slider's range. */
  const [spread, setSpread] = useState<{ defaultTolerance: number; maxTolerance: number } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [committing, setCommitting] = useState(false);
  const previewRef = useRef(preview);
  previewRef.current = preview;
  /** Bumped by every cancel and commit: a preview answer asked for before is not shown. */
  const generation = useRef(0);
  const wanted = useRef<Wanted | null>(null);
  const asking = useRef(false);

  const cancel = useCallback(() => {
    generation.current++;
    wanted.current = null;
    controllerRef.current?.clearFillPreview();
    setPreview(null);
    setProblem(null);
  }, [controllerRef]);

  /** Asks for the latest wanted preview; answers to older ones, still on their way, are dropped (a slider sends many). */
  const ask = useCallback(
    async (want: Wanted) => {
      wanted.current = want;
      if (asking.current) return;
      asking.current = true;
      try {
        while (wanted.current) {
          const next = wanted.current;
          const gen = generation.current;
          wanted.current = null;
          try {
            const answer = await annotation.fillPreview(next.axis, next.seed, next.value, next.tolerance);
            if (gen !== generation.current || wanted.current || !answer) continue;
            controllerRef.current?.showFillPreview(new Uint32Array(answer.indices));
            setPreview(answer);
            setSpread({ defaultTolerance: answer.defaultTolerance, maxTolerance: answer.maxTolerance });
            setProblem(null);
          } catch (err) {
            if (gen !== generation.current || wanted.current) continue;
            controllerRef.current?.clearFillPreview();
            setPreview(null);
            setProblem(errorMessage(err));
          }
        }
      } finally {
        asking.current = false;
      }
    },
    [annotation, controllerRef],
  );

  const apply = useCallback(async () => {
    const shown = previewRef.current;
    if (!shown || value === null || committing) return;
    generation.current++;
    wanted.current = null;
    setCommitting(true);
    try {
      await annotation.fill(shown, value);
    } finally {
      // the answer is in the labels by now (or they were reloaded): the preview gives way to them
      controllerRef.current?.clearFillPreview();
      setPreview(null);
      setCommitting(false);
    }
  }, [annotation, controllerRef, value, committing]);

  const setTolerance = useCallback(
    (next: number | null) => {
      setToleranceState(next);
      const shown = previewRef.current;
      if (shown && value !== null) void ask({ axis: shown.axis, seed: shown.seed, value, tolerance: next });
    },
    [ask, value],
  );

  const clickRef = useRef<(x: number, y: number) => void>(() => undefined);
  clickRef.current = (x, y) => {
    const controller = controllerRef.current;
    const plane = controller?.planeAt(x, y);
    const seed = controller?.crosshairVoxel();
    const axis = plane ? controller?.axisOfPlane(plane) : null;
    if (!controller || !plane || !seed || !axis || value === null || committing) return;
    if (preview && preview.axis === axis && controller.inFillPreview(seed)) {
      void apply();
      return;
    }
    void ask({ axis, seed, value, tolerance });
  };
  useEffect(() => {
    if (!enabled) return;
    const viewport = viewportRef.current!;
    const onClick = (e: MouseEvent) => {
      const rect = canvasRef.current!.getBoundingClientRect();
      clickRef.current(e.clientX - rect.left, e.clientY - rect.top);
    };
    viewport.addEventListener('click', onClick);
    return () => viewport.removeEventListener('click', onClick);
  }, [viewportRef, canvasRef, enabled]);

  // While a preview is shown, Enter commits it and Escape drops it, wherever the focus is but in a
  // field that takes the key. Enter otherwise marks the slice complete (shortcuts.ts): this
  // listener is added once, in a layout effect, so it comes before the shortcuts' (added by
  // passive effects, and again whenever they are re-enabled) and keeps Enter from them.
  const keysRef = useRef({ previewing: false, apply, cancel });
  keysRef.current = { previewing: preview !== null, apply, cancel };
  useLayoutEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (!keysRef.current.previewing || (e.key !== 'Enter' && e.key !== 'Escape')) return;
      if (e.defaultPrevented || fieldTakesKey(e.target, e.key) || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      if (e.key === 'Enter') void keysRef.current.apply();
      else keysRef.current.cancel();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);

  // The preview belongs to one tool, scan, slice and label map: leaving any of them drops it.
  const { scanId, revision } = annotation.state;
  const crosshairSlice = preview && location ? location.voxel['ijk'.indexOf(preview.axis)] : null;
  const left = preview !== null && (!enabled || scanId !== preview.scanId || (crosshairSlice !== null && crosshairSlice !== preview.slice));
  useEffect(() => {
    if (left) cancel();
  }, [left, cancel]);
  // An edit here (an undo, the fill itself) moves the revision on. Only a change seen here counts:
  // one made elsewhere is caught by the server when the fill is committed.
  useEffect(() => {
    const shown = previewRef.current;
    if (shown && revision !== null && revision !== shown.revision) cancel();
  }, [revision, cancel]);
  // a problem belongs to the click that caused it
  useEffect(() => {
    if (!enabled) setProblem(null);
  }, [enabled]);

  return { preview, tolerance, setTolerance, spread, problem, committing, apply, cancel };
}

export type FillTool = ReturnType<typeof useFillTool>;
