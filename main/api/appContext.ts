import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ApiHandlers } from '../../shared/api.ts';
import type { AppInfo } from '../../shared/types.ts';
import { JobRunner, type JobRunnerOptions } from '../engine/jobs/jobRunner.ts';
import { appVersion, REPO_ROOT } from './codeVersion.ts';
import { EventHub } from './events.ts';
import { GpuHosts } from './gpuHosts.ts';
import { createHandlers } from './handlers.ts';
import { JobsService } from './jobs.ts';
import { Workspace } from './workspace.ts';

export interface AppContext {
  workspace: Workspace;
  hub: EventHub;
  jobs: JobsService;
  handlers: ApiHandlers;
}

/** Wires the workspace, the event hub and the handlers the same way for every shell. */
export function createAppContext(opts: { shell: AppInfo['shell']; home?: string; resourcesDir?: string; jobRunner?: JobRunnerOptions }): AppContext {
  const workspace = new Workspace({
    home: opts.home ?? process.env.ATRIUM_HOME ?? join(homedir(), 'Atrium'),
    sampleDir: join(opts.resourcesDir ?? join(REPO_ROOT, 'resources'), 'sample'),
    shell: opts.shell,
    version: appVersion(),
  });
  const hub = new EventHub();
  const gpuHosts = new GpuHosts(hub);
  const jobs = new JobsService(hub, new JobRunner({ ...opts.jobRunner, remote: gpuHosts }), () => {
    const info = workspace.describe();
    if (info) hub.emit('project.changed', info);
  });
  return { workspace, hub, jobs, handlers: createHandlers(workspace, hub, jobs, gpuHosts) };
}
