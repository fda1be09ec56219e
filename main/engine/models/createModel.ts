import { registerGradients } from '../ops/registerGradients.ts';
import type { ModelSpec, SegmentationModel } from './segmentationModel.ts';
import { UNet2d } from './unet2d.ts';
import { VNet3d } from './vnet3d.ts';

/**
 * Builds a network from its spec. Also installs the engine's gradients, so a
 * model is trainable however the tfjs backend was chosen.
 */
export function createModel(spec: ModelSpec): SegmentationModel {
  registerGradients();
  const { kind, ...options } = spec;
  if (!Number.isInteger(options.numClasses) || options.numClasses < 2) {
    throw new Error(`numClasses must be an integer ≥ 2 (got ${options.numClasses})`);
  }
  switch (kind) {
    case 'unet2d':
      return new UNet2d(options);
    case 'vnet3d':
      return new VNet3d(options);
    default:
      throw new Error(`unknown model kind "${kind as string}"`);
  }
}
