import { METHODS } from '../../shared/methods.ts';
import type { DomainHandlers } from './domainHandlers.ts';
import type { JobsService } from './jobs.ts';
import type { Workspace } from './workspace.ts';

/** Training jobs (run, measure beforehand, cancel, list) and the training methods they can use. */
export function createJobHandlers(ws: Workspace, jobs: JobsService): DomainHandlers<'jobs' | 'methods'> {
  return {
    'jobs.train': async (req) => jobs.train(ws.requireProject(), req),
    'jobs.preflight': async (req) => jobs.preflight(ws.requireProject(), req),
    'jobs.cancel': async ({ runId }) => jobs.cancel(runId),
    'jobs.list': async () => jobs.list(),
    'methods.list': async () => METHODS,
  };
}
