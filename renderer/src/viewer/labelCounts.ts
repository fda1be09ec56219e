/** How many voxels hold each label value 0..255 in a label bitmap (any voxel order). */
export function countLabels(bitmap: Uint8Array): Uint32Array {
  const counts = new Uint32Array(256);
  for (let n = 0; n < bitmap.length; n++) counts[bitmap[n]]++;
  return counts;
}
