import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite.ts';
import { annotationService } from '../annotation/annotationService.ts';
import type { JobScan } from '../engine/jobs/jobSpec.ts';
import type { ProjectStore } from '../store/projectStore.ts';

/**
 * Points a training job at each scan's CURRENT label map (snapshot plus journal), written
 * to `<runDir>/labels/<scan id>.nii.gz`. A frozen copy rather than the snapshot file: the
 * snapshot lags the journal and is replaced by compaction while the job may still be reading,
 * and the copy records exactly what the run was trained on. Which voxels count as labelled
 * stays `annotated` (slices in state annotated only; interpolated, predicted and unknown
 * slices are not training targets).
 * @param runDir the run's folder, relative to the project.
 */
export function withCurrentLabels(store: ProjectStore, scans: JobScan[], runDir: string): JobScan[] {
  const service = annotationService(store);
  const dir = join(runDir, 'labels');
  mkdirSync(store.file(dir), { recursive: true });
  return scans.map((v) => {
    if (!v.labelsPath) return v;
    const file = store.file(join(dir, `${v.id}.nii.gz`));
    writeFileAtomic(file, service.labelsNifti(v.id));
    return { ...v, labelsPath: file };
  });
}
