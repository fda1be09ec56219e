import { ApiError } from '../../shared/api.ts';
import type { ProjectInfo } from '../../shared/types.ts';
import type { DomainHandlers } from './domainHandlers.ts';
import type { JobsService } from './jobs.ts';
import type { Workspace } from './workspace.ts';

/** The app and which project is open. Switching projects waits for the jobs of the open one. */
export function createProjectHandlers(ws: Workspace, jobs: JobsService, changed: () => ProjectInfo | null): DomainHandlers<'app' | 'projects'> {
  const switchingAllowed = () => {
    const running = jobs.list();
    if (running.length > 0) {
      throw new ApiError(
        'conflict',
        `a ${running[0].kind === 'train' ? 'training' : 'prediction'} job is running in this project: cancel it or wait before switching projects`,
      );
    }
  };
  return {
    'app.info': async () => ws.info(),
    'app.dismissGuide': async () => ws.dismissGuide(),
    'app.setDisplay': async (display) => ws.setDisplay(display),
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
  };
}
