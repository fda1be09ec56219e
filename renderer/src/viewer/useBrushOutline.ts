import { useCallback, useEffect, useRef, type RefObject } from 'react';
import type { Pen, ViewerController } from './ViewerController.ts';

/**
 * The outline of the brush footprint that follows the mouse over the 2D views while a brush or
 * eraser is armed. It is moved by writing its style, not through React state: a render per
 * mouse move is what made painting lag.
 */
export function useBrushOutline(
  viewportRef: RefObject<HTMLDivElement | null>,
  canvasRef: RefObject<HTMLCanvasElement | null>,
  controllerRef: RefObject<ViewerController | null>,
  pen: Pen,
) {
  const outlineRef = useRef<HTMLDivElement>(null);
  /** The last mouse position over the views (client pixels), followed armed or not: a tool taken up by key shows at once. */
  const lastPoint = useRef<{ x: number; y: number } | null>(null);
  const size = pen?.size ?? null;
  const sizeRef = useRef(size);
  sizeRef.current = size;

  const place = useCallback(() => {
    const outline = outlineRef.current;
    const canvas = canvasRef.current;
    const point = lastPoint.current;
    const brush = sizeRef.current;
    if (!outline || !canvas) return;
    const rect = canvas.getBoundingClientRect();
    const footprint = point && brush !== null ? controllerRef.current?.brushFootprintAt(point.x - rect.left, point.y - rect.top, brush) : null;
    outline.hidden = !footprint;
    if (!footprint) return;
    // the canvas fills the viewport, so canvas pixels are the outline's own coordinates
    Object.assign(outline.style, {
      left: `${footprint.x}px`,
      top: `${footprint.y}px`,
      width: `${footprint.width}px`,
      height: `${footprint.height}px`,
    });
  }, [canvasRef, controllerRef]);

  useEffect(() => {
    const viewport = viewportRef.current!;
    const onMove = (e: PointerEvent) => {
      lastPoint.current = { x: e.clientX, y: e.clientY };
      place();
    };
    const onLeave = () => {
      lastPoint.current = null;
      place();
    };
    // the zoom and the slice shown change with the wheel: place again once NiiVue has drawn
    const onWheel = () => requestAnimationFrame(place);
    viewport.addEventListener('pointermove', onMove);
    viewport.addEventListener('pointerleave', onLeave);
    viewport.addEventListener('wheel', onWheel, { passive: true });
    return () => {
      viewport.removeEventListener('pointermove', onMove);
      viewport.removeEventListener('pointerleave', onLeave);
      viewport.removeEventListener('wheel', onWheel);
    };
  }, [viewportRef, place]);

  // armed, or another size ([ and ] under a still mouse): place it where the mouse is
  useEffect(place, [place, size]);

  return outlineRef;
}
