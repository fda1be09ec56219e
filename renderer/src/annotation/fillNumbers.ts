/**
 * An intensity (a tolerance, a bound) for the fill panel: three significant figures, whole
 * numbers from 100 up, so 9.87, 98.7 and 987 on a scan stored in 0..1000 and 0.0123 on one in 0..1.
 */
export function formatIntensity(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(3)));
}

/** A previewed region's area in the slice: mm² to three significant figures or so. */
export function formatArea(mm2: number): string {
  return `${formatIntensity(mm2)} mm²`;
}
