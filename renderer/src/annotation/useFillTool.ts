import { useEffect, useRef } from 'react';
import type { Viewer } from '../viewer/useViewer.ts';
import type { Annotation } from './useAnnotation.ts';

/**
 * The fill tool: while `enabled`, a click on a view fills the region around the clicked voxel
 * in that view's slice with class `value`. NiiVue has already put the crosshair on the voxel on
 * mouse down, so the crosshair is the seed.
 */
export function useFillTool(viewer: Viewer, fill: Annotation['fill'], value: number | null, enabled: boolean): void {
  const { viewportRef, canvasRef, controllerRef } = viewer;
  const fillRef = useRef<(x: number, y: number) => void>(() => undefined);
  fillRef.current = (x, y) => {
    const controller = controllerRef.current;
    const plane = controller?.planeAt(x, y);
    const seed = controller?.crosshairVoxel();
    const axis = plane ? controller?.axisOfPlane(plane) : null;
    if (!plane || !seed || !axis || value === null) return;
    void fill(axis, seed, value);
  };
  useEffect(() => {
    if (!enabled) return;
    const viewport = viewportRef.current!;
    const onClick = (e: MouseEvent) => {
      const rect = canvasRef.current!.getBoundingClientRect();
      fillRef.current(e.clientX - rect.left, e.clientY - rect.top);
    };
    viewport.addEventListener('click', onClick);
    return () => viewport.removeEventListener('click', onClick);
  }, [viewportRef, canvasRef, enabled]);
}
