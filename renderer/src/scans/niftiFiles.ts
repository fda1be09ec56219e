/** What a picked or dropped set of files becomes: scans to import (each with an optional label map) and refusals. */
export interface ImportItem {
  scan: File;
  labels?: File;
}

export interface FileGrouping<F> {
  items: { scan: F; labels?: F }[];
  rejected: F[];
}

const NIFTI = /\.nii(\.gz)?$/i;
/** Words that mark a file as a segmentation rather than an image, as in "case01_seg.nii.gz" or "brain-labels.nii". */
const LABEL_WORDS = /(^|[^a-z])(label|labels|labelmap|seg|segmentation|mask|dseg|aseg|annot|annotation|gt|truth)([^a-z]|$)/i;

export function isNiftiName(name: string): boolean {
  return NIFTI.test(name);
}

export function looksLikeLabelMap(name: string): boolean {
  return LABEL_WORDS.test(name.replace(NIFTI, ''));
}

/**
 * Groups dropped files: non-NIfTI files are refused; two files of which exactly one is named like a
 * label map become one scan with its labels; anything else is one scan per file.
 */
export function groupNiftiFiles<F extends { name: string }>(files: readonly F[]): FileGrouping<F> {
  const nifti = files.filter((f) => isNiftiName(f.name));
  const rejected = files.filter((f) => !isNiftiName(f.name));
  if (nifti.length === 2) {
    const labelish = nifti.filter((f) => looksLikeLabelMap(f.name));
    if (labelish.length === 1) {
      const labels = labelish[0];
      const scan = nifti.find((f) => f !== labels)!;
      return { items: [{ scan, labels }], rejected };
    }
  }
  return { items: nifti.map((scan) => ({ scan })), rejected };
}
