import { ApiError } from '../../shared/api.ts';
import type { ProjectInfo } from '../../shared/types.ts';
import { annotationService } from '../annotation/annotationService.ts';
import { ownedArrayBuffer } from '../io/bytes.ts';
import type { DomainHandlers } from './domainHandlers.ts';
import { labelMapNifti } from './labelExport.ts';
import { importLabelsOntoVolume } from './labelImport.ts';
import { missingVolumeFile, projectFileBytes, whenMissing } from './projectFiles.ts';
import { importVolume } from './volumeImport.ts';
import type { Workspace } from './workspace.ts';

/** The project's scans: import, read, remove, and label maps put onto a scan. */
export function createVolumeHandlers(ws: Workspace, changed: () => ProjectInfo | null): DomainHandlers<'volumes'> {
  const volumeFiles = (id: string) => {
    const files = ws.requireProject().volumeFiles(id);
    if (!files) throw new ApiError('not-found', `no volume with id ${id}`);
    return files;
  };
  return {
    'volumes.list': async () => ws.requireProject().volumes(),
    'volumes.import': async (req) => {
      const info = importVolume(ws.requireProject(), {
        ...req,
        scan: new Uint8Array(req.scan),
        labels: req.labels ? new Uint8Array(req.labels) : undefined,
      });
      changed();
      return info;
    },
    'volumes.scan': async ({ id }) => {
      const files = volumeFiles(id);
      return projectFileBytes(ws, files.scanFile, missingVolumeFile('scan', files.name));
    },
    'volumes.labels': async ({ id }) => {
      const files = volumeFiles(id);
      const store = ws.requireProject();
      const bytes = whenMissing(
        () => (annotationService(store).hasLabels(id) ? labelMapNifti(store, id) : null),
        (path) => missingVolumeFile(path === store.file(files.scanFile) ? 'scan' : 'label', files.name),
      );
      return bytes && ownedArrayBuffer(bytes);
    },
    'volumes.remove': async ({ id }) => {
      volumeFiles(id);
      ws.requireProject().removeVolume(id);
      annotationService(ws.requireProject()).forget(id);
      return changed()!;
    },
    'volumes.importLabels': async (req) => {
      const store = ws.requireProject();
      importLabelsOntoVolume(store, { ...req, labels: new Uint8Array(req.labels) });
      changed();
      return store.volumes().find((v) => v.id === req.id)!;
    },
  };
}
