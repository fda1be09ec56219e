import { useCallback, useRef, useState } from 'react';
import type { Axis, AnnotationSnapshot, AnnotationUpdate, FillPreview, SliceReviews, SliceStates } from '../../../shared/types.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { errorMessage } from '../api/errors.ts';
import type { StrokePart, ViewerController } from '../viewer/ViewerController.ts';

export type SaveStatus = { kind: 'saved' } | { kind: 'saving' } | { kind: 'failed'; message: string };

export interface AnnotationState {
  /** The scan whose annotation is loaded; null while none is. */
  scanId: string | null;
  /** The label map's revision on the server as last heard (a fill preview is valid for one revision). */
  revision: number | null;
  slices: SliceStates | null;
  /** Review decisions in effect on the scan's slices. */
  reviews: SliceReviews | null;
  canUndo: boolean;
  canRedo: boolean;
  save: SaveStatus;
}

const EMPTY: AnnotationState = { scanId: null, revision: null, slices: null, reviews: null, canUndo: false, canRedo: false, save: { kind: 'saved' } };

/**
 * The shown scan's annotation as the server has it. Every edit goes to the server, one after
 * another in the order the user made them (the server autosaves each), and the server's answer
 * patches the drawing, so what is shown is what is stored. When an edit fails, the label map is
 * reloaded: the drawing never keeps voxels the server does not have.
 */
export function useAnnotation(controllerRef: { readonly current: ViewerController | null }) {
  const api = useApi();
  const [state, setState] = useState<AnnotationState>(EMPTY);
  const scanRef = useRef<string | null>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const pending = useRef(0);

  /** Reads a scan's annotation; the viewer shows its label map together with the scan, then hands it to `reset`. */
  const load = useCallback((scanId: string) => api.call('annotations.load', { scanId }), [api]);

  /** Takes a freshly loaded snapshot (the viewer loads it together with the scan). */
  const reset = useCallback((snapshot: AnnotationSnapshot | null) => {
    scanRef.current = snapshot?.scanId ?? null;
    setState(
      snapshot
        ? {
            scanId: snapshot.scanId,
            revision: snapshot.revision,
            slices: snapshot.slices,
            reviews: snapshot.reviews,
            canUndo: snapshot.canUndo,
            canRedo: snapshot.canRedo,
            save: { kind: 'saved' },
          }
        : EMPTY,
    );
  }, []);

  const reload = useCallback(
    async (scanId: string) => {
      const snapshot = await api.call('annotations.load', { scanId });
      if (scanRef.current !== scanId) return;
      await controllerRef.current?.setLabels(snapshot.labels);
      if (scanRef.current !== scanId) return;
      setState((s) => ({
        ...s,
        revision: snapshot.revision,
        slices: snapshot.slices,
        reviews: snapshot.reviews,
        canUndo: snapshot.canUndo,
        canRedo: snapshot.canRedo,
      }));
    },
    [api, controllerRef],
  );

  /**
   * Queues one edit of the shown scan. Its answer is applied only while that scan is still
   * shown; a failure shows "not saved" and puts the server's label map back on screen.
   */
  const edit = useCallback(
    (send: (scanId: string) => Promise<AnnotationUpdate>): Promise<boolean> => {
      const scanId = scanRef.current;
      if (!scanId) return Promise.resolve(false);
      pending.current++;
      setState((s) => ({ ...s, save: s.save.kind === 'failed' ? s.save : { kind: 'saving' } }));
      const done = queue.current.then(async () => {
        try {
          const update = await send(scanId);
          if (scanRef.current !== scanId) return true;
          controllerRef.current?.applyUpdate(new Uint32Array(update.indices), new Uint8Array(update.values));
          setState((s) => ({
            ...s,
            revision: update.revision,
            slices: update.slices,
            reviews: update.reviews,
            canUndo: update.canUndo,
            canRedo: update.canRedo,
            save: pending.current > 1 ? { kind: 'saving' } : { kind: 'saved' },
          }));
          return true;
        } catch (err) {
          if (scanRef.current !== scanId) return false;
          setState((s) => ({ ...s, save: { kind: 'failed', message: errorMessage(err) } }));
          try {
            await reload(scanId);
          } catch (reloadErr) {
            setState((s) => ({ ...s, save: { kind: 'failed', message: `${errorMessage(err)}; reloading failed too: ${errorMessage(reloadErr)}` } }));
          }
          return false;
        } finally {
          pending.current--;
        }
      });
      queue.current = done.then(() => undefined);
      return done;
    },
    [controllerRef, reload],
  );

  const paintStroke = useCallback(
    (parts: StrokePart[]) => {
      for (const part of parts) {
        void edit((scanId) =>
          api.call('annotations.paint', { scanId, axis: part.axis, slice: part.slice, indices: part.indices.buffer as ArrayBuffer, value: part.value }),
        );
      }
    },
    [api, edit],
  );

  /**
   * The region a fill from `seed` would set (nothing changes), asked once the edits before it
   * have landed, so that it is computed on the labels the person sees; `tolerance` null takes the
   * slice's default. Null when another scan is shown by then.
   */
  const fillPreview = useCallback(
    async (axis: Axis, seed: [number, number, number], value: number, tolerance: number | null): Promise<FillPreview | null> => {
      const scanId = scanRef.current;
      if (!scanId) return null;
      await queue.current;
      if (scanRef.current !== scanId) return null;
      const preview = await api.call('annotations.fillPreview', {
        scanId,
        axis,
        slice: seed['ijk'.indexOf(axis)],
        seed,
        value,
        ...(tolerance === null ? {} : { tolerance }),
      });
      return scanRef.current === scanId ? preview : null;
    },
    [api],
  );

  /** Commits a previewed fill: exactly its voxels, or (labels changed since) nothing. */
  const fill = useCallback(
    (preview: FillPreview, value: number) =>
      edit((scanId) =>
        api.call('annotations.fill', {
          scanId,
          axis: preview.axis,
          slice: preview.slice,
          seed: preview.seed,
          value,
          tolerance: preview.tolerance,
          revision: preview.revision,
        }),
      ),
    [api, edit],
  );

  const interpolate = useCallback(
    (axis: Axis, from: number, to: number) => edit((scanId) => api.call('annotations.interpolate', { scanId, axis, from, to })),
    [api, edit],
  );

  const setSliceState = useCallback(
    (axis: Axis, slices: number[], sliceState: 'annotated' | 'unknown') =>
      edit((scanId) => api.call('annotations.setSliceState', { scanId, axis, slices, state: sliceState })),
    [api, edit],
  );

  /** "All background": clears the slice and marks it annotated, one undoable edit. */
  const markBackground = useCallback(
    (axis: Axis, slice: number) => edit((scanId) => api.call('annotations.markBackground', { scanId, axis, slice })),
    [api, edit],
  );

  const undo = useCallback(() => edit((scanId) => api.call('annotations.undo', { scanId })), [api, edit]);
  const redo = useCallback(() => edit((scanId) => api.call('annotations.redo', { scanId })), [api, edit]);

  /** Reloads the shown scan's label map (after a class removal or a label import changed it on the server). */
  const refresh = useCallback(() => {
    const scanId = scanRef.current;
    if (!scanId) return Promise.resolve();
    const done = queue.current.then(() => reload(scanId));
    queue.current = done.catch(() => undefined);
    return done;
  }, [reload]);

  return { state, load, reset, edit, paintStroke, fillPreview, fill, interpolate, setSliceState, markBackground, undo, redo, refresh };
}

export type Annotation = ReturnType<typeof useAnnotation>;
