import type { ScanInfo } from '../../../shared/types.ts';

/** 0.9375 → "0.938", 1 → "1": enough digits for a voxel size, no trailing zeros. */
export function formatMm(value: number): string {
  return String(Number(value.toFixed(3)));
}

export function formatShape(shape: ScanInfo['shape']): string {
  return shape.join(' × ');
}

export function formatSpacing(spacing: ScanInfo['spacing']): string {
  return `${spacing.map(formatMm).join(' × ')} mm`;
}

export function formatAnnotated(counts: ScanInfo['annotatedSlices']): string {
  return `i ${counts.i} · j ${counts.j} · k ${counts.k}`;
}

/** Intensity for a readout: integers as they are, small or fractional values with 4 significant digits. */
export function formatIntensity(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(1);
  return String(Number(value.toPrecision(4)));
}
