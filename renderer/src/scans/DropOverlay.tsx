/** Shown over the whole window while files are dragged over it. */
export function DropOverlay() {
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-overlay__box">
        <div className="drop-overlay__title">Drop NIfTI files to import</div>
        <div className="drop-overlay__hint">
          .nii or .nii.gz — drop a scan together with a file named like <code>*_seg</code>, <code>*_label</code> or <code>*_mask</code> to import it as its
          label map
        </div>
      </div>
    </div>
  );
}
