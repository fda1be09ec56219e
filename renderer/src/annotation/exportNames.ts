/** "brain_labels.nii.gz" → "brain_labels.json": the sidecar sits beside the label map. */
export function sidecarName(niftiFileName: string): string {
  return `${niftiFileName.replace(/\.nii(\.gz)?$/i, '')}.json`;
}
