import { useCallback, useMemo, useState } from 'react';
import type { LabelClass } from '../../../shared/types.ts';
import type { Pen } from '../viewer/ViewerController.ts';
import { MAX_BRUSH, MIN_BRUSH } from '../viewer/brush.ts';
import { orderedClasses } from './classPalette.ts';
import type { Tool } from './shortcuts.ts';

/**
 * The tool in hand, the brush size and the class to paint with. The class falls back to the
 * first one when the chosen class is deleted; with no class at all the brush paints nothing.
 */
export function useAnnotationTools(classes: LabelClass[]) {
  const [tool, setTool] = useState<Tool>('navigate');
  const [brushSize, setSize] = useState(3);
  const [chosen, setActiveClass] = useState<number | null>(null);
  const ordered = useMemo(() => orderedClasses(classes), [classes]);
  const activeClass = ordered.some((c) => c.value === chosen) ? chosen : (ordered[0]?.value ?? null);

  const setBrushSize = useCallback((size: number) => setSize(Math.max(MIN_BRUSH, Math.min(MAX_BRUSH, Math.round(size)))), []);

  const pen: Pen =
    tool === 'brush' ? (activeClass !== null ? { value: activeClass, size: brushSize } : null) : tool === 'eraser' ? { value: 0, size: brushSize } : null;

  return { tool, setTool, brushSize, setBrushSize, activeClass, setActiveClass, ordered, pen };
}

export type AnnotationTools = ReturnType<typeof useAnnotationTools>;
