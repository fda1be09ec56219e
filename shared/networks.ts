/**
 * The segmentation networks Atrium trains and what a run may ask for: one list that the API
 * schema, the command line, the Train tab and the engine all read. Plain data only.
 */

/** A 2D U-Net across one slice axis, or a 3D V-Net on patches (main/engine/models). */
export const NETWORK_KINDS = ['unet2d', 'vnet3d'] as const;
export type NetworkKind = (typeof NETWORK_KINDS)[number];

/** A network, or 'auto': the engine picks one from the annotations (resolveTrainConfig.ts). */
export const MODEL_CHOICES = ['auto', ...NETWORK_KINDS] as const;
export type ModelChoice = (typeof MODEL_CHOICES)[number];
