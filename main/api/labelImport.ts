import { ApiError } from '../../shared/api.ts';
import type { Axis, LabelClass } from '../../shared/types.ts';
import { sameGeometry, scaledData } from '../io/index.ts';
import { annotationService } from '../annotation/annotationService.ts';
import type { ProjectStore } from '../store/projectStore.ts';
import { scanHeader } from './scanHeader.ts';
import { parseNifti, toLabelValues } from './scanImport.ts';

/**
 * Puts a label map file onto an imported scan under the rules of `atrium import --labels`:
 * the grid and affine must match the scan's, values must be whole class values 0..254. The
 * change is one undoable edit (see AnnotationService.importLabels).
 * @returns the classes created for values the class table lacked.
 */
export function importLabelsOntoScan(
  store: ProjectStore,
  req: { id: string; labels: Uint8Array; labelsFileName: string; createClasses: boolean; annotatedSlices?: { axis: Axis; slices: number[] } },
): LabelClass[] {
  const files = store.scanFiles(req.id);
  if (!files) throw new ApiError('not-found', `no scan with id ${req.id}`);
  const labels = parseNifti(req.labels, req.labelsFileName);
  const fit = sameGeometry(scanHeader(store, req.id), labels.header);
  if (!fit.same) throw new ApiError('bad-input', `${req.labelsFileName} does not fit scan "${files.name}": ${fit.reason}`);
  const values = toLabelValues(scaledData(labels), req.labelsFileName);
  return annotationService(store).importLabels(req.id, values, {
    fileName: req.labelsFileName,
    createClasses: req.createClasses,
    annotatedSlices: req.annotatedSlices,
  });
}
