import { sep } from 'node:path';
import { ApiError, isMethod, parseRequest, type ApiHandlers, type Method, type Results } from '../../shared/api.ts';
import { ProjectFolderError } from '../store/projectFolder.ts';
import { SchemaTooNewError } from '../store/database.ts';
import { DamagedDatabaseError } from '../store/damagedDatabaseError.ts';
import { createAnnotationHandlers } from './annotationHandlers.ts';
import type { EventHub } from './events.ts';
import { createGpuHostHandlers } from './gpuHostHandlers.ts';
import type { GpuHosts } from './gpuHosts.ts';
import { createJobHandlers } from './jobHandlers.ts';
import type { JobsService } from './jobs.ts';
import { createPredictionHandlers } from './predictionHandlers.ts';
import { createProjectHandlers } from './projectHandlers.ts';
import { createReviewHandlers } from './reviewHandlers.ts';
import { createScanHandlers } from './scanHandlers.ts';
import type { Workspace } from './workspace.ts';

/**
 * The single implementation of the API, composed of one file of handlers per domain (the
 * methods `<domain>.…`); every transport calls `dispatch`. `changed` tells every UI about the
 * project after a change to what it lists.
 */
export function createHandlers(ws: Workspace, hub: EventHub, jobs: JobsService, gpuHosts: GpuHosts): ApiHandlers {
  const changed = () => {
    const info = ws.describe();
    if (info) hub.emit('project.changed', info);
    return info;
  };
  return withoutProjectFolder(ws, {
    ...createProjectHandlers(ws, jobs, changed),
    ...createScanHandlers(ws, changed),
    ...createAnnotationHandlers(ws, changed),
    ...createJobHandlers(ws, jobs),
    ...createPredictionHandlers(ws, jobs, changed),
    ...createReviewHandlers(ws, changed),
    ...createGpuHostHandlers(gpuHosts),
  });
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
  if (err instanceof ProjectFolderError || err instanceof SchemaTooNewError || err instanceof DamagedDatabaseError)
    return new ApiError('bad-input', err.message);
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  if (code === 'ENOSPC') return new ApiError('internal', 'the disk is full: nothing was saved; free some space and try again');
  if (code === 'EACCES' || code === 'EPERM') return new ApiError('bad-input', `permission denied: ${(err as Error).message}`);
  if (code === 'ENOENT') return new ApiError('not-found', (err as Error).message);
  return new ApiError('internal', err instanceof Error ? err.message : String(err));
}
