/** The volume of one voxel in mL (1 mL = 1000 mm³) from the scan's voxel size in mm. */
export function voxelMl(spacing: readonly [number, number, number]): number {
  return (spacing[0] * spacing[1] * spacing[2]) / 1000;
}

/**
 * A volume in mL for the class table: three significant figures or so, never fewer decimals
 * than one voxel of 1 mm³ (0.001 mL) needs, and "< 0.001" rather than a rounded 0 for any label at all.
 */
export function formatMl(ml: number): string {
  if (ml === 0) return '0 mL';
  if (ml < 0.001) return '< 0.001 mL';
  const decimals = ml >= 100 ? 0 : ml >= 10 ? 1 : ml >= 1 ? 2 : 3;
  return `${ml.toFixed(decimals)} mL`;
}
