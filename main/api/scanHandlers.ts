import { ApiError } from '../../shared/api.ts';
import type { ProjectInfo } from '../../shared/types.ts';
import { annotationService } from '../annotation/annotationService.ts';
import { ownedArrayBuffer } from '../io/bytes.ts';
import type { DomainHandlers } from './domainHandlers.ts';
import { labelMapNifti } from './labelExport.ts';
import { importLabelsOntoScan } from './labelImport.ts';
import { missingScanFile, projectFileBytes, whenMissing } from './projectFiles.ts';
import { importScan } from './scanImport.ts';
import type { Workspace } from './workspace.ts';

/** The project's scans: import, read, remove, and label maps put onto a scan. */
export function createScanHandlers(ws: Workspace, changed: () => ProjectInfo | null): DomainHandlers<'scans'> {
  const scanFiles = (id: string) => {
    const files = ws.requireProject().scanFiles(id);
    if (!files) throw new ApiError('not-found', `no scan with id ${id}`);
    return files;
  };
  return {
    'scans.list': async () => ws.requireProject().scans(),
    'scans.import': async (req) => {
      const info = importScan(ws.requireProject(), {
        ...req,
        scan: new Uint8Array(req.scan),
        labels: req.labels ? new Uint8Array(req.labels) : undefined,
      });
      changed();
      return info;
    },
    'scans.image': async ({ id }) => {
      const files = scanFiles(id);
      return projectFileBytes(ws, files.imageFile, missingScanFile('image', files.name));
    },
    'scans.labels': async ({ id }) => {
      const files = scanFiles(id);
      const store = ws.requireProject();
      const bytes = whenMissing(
        () => (annotationService(store).hasLabels(id) ? labelMapNifti(store, id) : null),
        (path) => missingScanFile(path === store.file(files.imageFile) ? 'image' : 'label', files.name),
      );
      return bytes && ownedArrayBuffer(bytes);
    },
    'scans.remove': async ({ id }) => {
      scanFiles(id);
      ws.requireProject().removeScan(id);
      annotationService(ws.requireProject()).forget(id);
      return changed()!;
    },
    'scans.importLabels': async (req) => {
      const store = ws.requireProject();
      importLabelsOntoScan(store, { ...req, labels: new Uint8Array(req.labels) });
      changed();
      return store.scans().find((v) => v.id === req.id)!;
    },
  };
}
