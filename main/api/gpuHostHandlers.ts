import type { DomainHandlers } from './domainHandlers.ts';
import type { GpuHosts } from './gpuHosts.ts';

/** The window that hosts WebGPU jobs: offer an adapter, stay alive, and be the jobs' file system by role. */
export function createGpuHostHandlers(hosts: GpuHosts): DomainHandlers<'gpuHost'> {
  return {
    'gpuHost.attach': async ({ adapter }) => hosts.attach(adapter),
    'gpuHost.heartbeat': async ({ hostId }) => {
      hosts.heartbeat(hostId);
      return null;
    },
    'gpuHost.detach': async ({ hostId, reason }) => {
      hosts.detach(hostId, reason);
      return null;
    },
    'gpuHost.status': async () => hosts.status(),
    'gpuHost.read': async (req) => hosts.read(req),
    'gpuHost.write': async (req) => hosts.write(req),
    'gpuHost.report': async (req) => {
      hosts.report(req);
      return null;
    },
  };
}
