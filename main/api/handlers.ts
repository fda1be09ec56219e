import { METHODS } from '../../shared/methods.ts';
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { ApiError, isMethod, parseRequest, type ApiHandlers, type Method, type Results } from '../../shared/api.ts';
import { ProjectFolderError } from '../store/projectFolder.ts';
import { SchemaTooNewError } from '../store/database.ts';
import { DamagedDatabaseError } from '../store/damagedDatabaseError.ts';
import type { EventHub } from './events.ts';
import type { JobsService } from './jobs.ts';
import { importVolume } from './volumeImport.ts';
import { createAnnotationHandlers } from './annotationHandlers.ts';
import { createReviewHandlers } from './review.ts';
import { labelMapNifti } from './labelExport.ts';
import { annotationService } from '../annotation/annotationService.ts';
import type { Workspace } from './workspace.ts';

/** The single implementation of the API; every transport calls `dispatch`. */
export function createHandlers(ws: Workspace, hub: EventHub, jobs: JobsService): ApiHandlers {
  const changed = () => {
    const info = ws.describe();
    if (info) hub.emit('project.changed', info);
    return info;
  };
  /** `missing` is the message when the file is not there: it never holds the project folder's path, which the API does not reveal. */
  const fileBytes = (relative: string, missing: string) => {
    const bytes = whenMissing(() => readFileSync(ws.requireProject().file(relative)), () => missing);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  };
  const switchingAllowed = () => {
    const running = jobs.list();
    if (running.length > 0) {
      throw new ApiError('conflict', `a ${running[0].kind === 'train' ? 'training' : 'prediction'} job is running in this project: cancel it or wait before switching projects`);
    }
  };
  const volumeFiles = (id: string) => {
    const files = ws.requireProject().volumeFiles(id);
    if (!files) throw new ApiError('not-found', `no volume with id ${id}`);
    return files;
  };

  return withoutProjectFolder(ws, {
    'app.info': async () => ws.info(),
    'projects.current': async () => ws.describe(),
    'projects.open': async ({ path }) => {
      switchingAllowed();
      ws.open(path);
      return changed()!;
    },
    'projects.create': async ({ path }) => {
      switchingAllowed();
      ws.create(path);
      return changed()!;
    },
    'projects.openSample': async () => {
      switchingAllowed();
      ws.openSample();
      return changed()!;
    },
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
      return fileBytes(files.scanFile, missingVolumeFile('scan', files.name));
    },
    'volumes.labels': async ({ id }) => {
      const files = volumeFiles(id);
      const store = ws.requireProject();
      const bytes = whenMissing(
        () => (annotationService(store).hasLabels(id) ? labelMapNifti(store, id) : null),
        (path) => missingVolumeFile(path === store.file(files.scanFile) ? 'scan' : 'label', files.name),
      );
      return bytes && (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    },
    'volumes.remove': async ({ id }) => {
      volumeFiles(id);
      ws.requireProject().removeVolume(id);
      annotationService(ws.requireProject()).forget(id);
      return changed()!;
    },
    'jobs.train': async (req) => jobs.train(ws.requireProject(), req),
    'jobs.preflight': async (req) => jobs.preflight(ws.requireProject(), req),
    'jobs.cancel': async ({ runId }) => jobs.cancel(runId),
    'jobs.list': async () => jobs.list(),
    'methods.list': async () => METHODS,
    'predictions.start': async (req) => jobs.predict(ws.requireProject(), req),
    'models.setCurrent': async ({ runId }) => {
      const store = ws.requireProject();
      if (!store.runRecord(runId)) throw new ApiError('not-found', `no run ${runId}`);
      if (!store.modelFile(runId)) throw new ApiError('conflict', `run ${runId} has no model: only a finished or cancelled run can be the current model`);
      store.setCurrentModel(runId);
      return changed()!;
    },
    ...createAnnotationHandlers(ws, changed),
    ...createReviewHandlers(ws, changed),
    'predictions.labels': async ({ runId, volumeId }) => {
      const files = ws.requireProject().predictionFiles(runId, volumeId);
      return files ? fileBytes(files.labelsFile, `the prediction of run ${runId} for volume ${volumeId} is missing from the project folder: predict again`) : null;
    },
  });
}

/**
 * Runs `read`; a file it needs that is missing (ENOENT, whose message holds the absolute path)
 * becomes a not-found error with the message `missing(path)` gives.
 */
function whenMissing<T>(read: () => T, missing: (path: string | undefined) => string): T {
  try {
    return read();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new ApiError('not-found', missing((err as NodeJS.ErrnoException).path));
  }
}

function missingVolumeFile(file: 'scan' | 'label', volumeName: string): string {
  return `the ${file} file of volume "${volumeName}" is missing from the project folder: restore the project from a backup, or remove the volume and import it again`;
}

/**
 * The handlers, with the open project folder's absolute path taken out of every error message,
 * whichever part of the app raised it (file-system errors quote whole paths): a file inside the
 * project is named by its place in it, e.g. `scans/….nii.gz`.
 */
function withoutProjectFolder(ws: Workspace, handlers: ApiHandlers): ApiHandlers {
  const guarded = Object.entries(handlers).map(([method, handle]) => [
    method,
    async (req: unknown) => {
      try {
        return await (handle as (r: unknown) => Promise<unknown>)(req);
      } catch (err) {
        const folder = ws.current?.folder;
        if (!folder || !(err instanceof Error) || !err.message.includes(folder)) throw err;
        const { code, message } = toApiError(err);
        throw new ApiError(code, message.replaceAll(`${folder}${sep}`, '').replaceAll(folder, 'the project folder'));
      }
    },
  ]);
  return Object.fromEntries(guarded) as ApiHandlers;
}

/** Validates a raw request and runs it, mapping every failure to an ApiError with a user-facing message. */
export async function dispatch(handlers: ApiHandlers, method: string, raw: unknown): Promise<Results[Method]> {
  if (!isMethod(method)) throw new ApiError('invalid-request', `unknown method "${method}"`);
  const req = parseRequest(method, raw);
  try {
    return await (handlers[method] as (r: unknown) => Promise<Results[Method]>)(req);
  } catch (err) {
    throw toApiError(err);
  }
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ProjectFolderError || err instanceof SchemaTooNewError || err instanceof DamagedDatabaseError) return new ApiError('bad-input', err.message);
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  if (code === 'ENOSPC') return new ApiError('internal', 'the disk is full: nothing was saved; free some space and try again');
  if (code === 'EACCES' || code === 'EPERM') return new ApiError('bad-input', `permission denied: ${(err as Error).message}`);
  if (code === 'ENOENT') return new ApiError('not-found', (err as Error).message);
  return new ApiError('internal', err instanceof Error ? err.message : String(err));
}
