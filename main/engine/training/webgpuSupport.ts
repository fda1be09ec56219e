import type { TrainParameters } from '../jobs/jobSpec.ts';

/**
 * Why a training run cannot use the webgpu backend, or null when it can. The webgpu backend
 * reads a tensor only asynchronously (its synchronous read returns zeros and loses the device:
 * checked in Chromium 156, page and Worker). A step may read after it ends (its losses, CPS's
 * adaptive weight), but these methods read predictions back inside the step (CAML and the
 * Lovász loss inside the gradient tape, the contrastive method its pseudo-labels just before),
 * where nothing can wait: they train in the job process instead.
 */
export function webgpuProblem(parameters: Pick<TrainParameters, 'method' | 'methodOptions'>): string | null {
  const why = 'reads predictions back while it builds its loss, which the webgpu backend cannot do';
  if (parameters.method === 'caml') return `CAML ${why} (the correctly predicted voxels for its memory bank)`;
  if (parameters.method === 'contrastive') return `pseudo-label contrastive ${why} (the pseudo-labels its anchor pixels are drawn from)`;
  if (parameters.method === 'cps' && parameters.methodOptions?.lovasz === true) return `CPS with the Lovász loss ${why} (the Lovász sort)`;
  return null;
}
