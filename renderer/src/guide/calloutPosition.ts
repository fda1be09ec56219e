export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Space kept between the callout and its target, and from the window's edges. */
const GAP = 12;

/**
 * Where the callout goes: beside its target (right, else left, else below), level with it, inside
 * the window and no higher than `minTop` (the toolbars above the image stay uncovered); bottom
 * right, out of the way, when there is no target to point at.
 */
export function calloutPosition(
  target: Box | null,
  size: { width: number; height: number },
  viewport: { width: number; height: number },
  minTop = 0,
): { left: number; top: number; side: 'right' | 'left' | 'below' | 'none' } {
  const clamp = (v: number, max: number, min = 0) => Math.max(min + GAP, Math.min(v, max - GAP));
  const maxLeft = viewport.width - size.width;
  const maxTop = viewport.height - size.height;
  if (!target) return { left: clamp(maxLeft, maxLeft), top: clamp(maxTop, maxTop), side: 'none' };
  const top = clamp(target.top, maxTop, minTop);
  const right = target.left + target.width + GAP;
  if (right + size.width + GAP <= viewport.width) return { left: right, top, side: 'right' };
  const left = target.left - GAP - size.width;
  if (left >= GAP) return { left, top, side: 'left' };
  return { left: clamp(target.left + target.width - size.width, maxLeft), top: clamp(target.top + target.height + GAP, maxTop, minTop), side: 'below' };
}
