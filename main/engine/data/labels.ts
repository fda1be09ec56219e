/**
 * Label-map conventions of the engine.
 *
 * Training label maps are `Uint8Array`s of class indices 0..C-1 (so at most 255 classes),
 * with {@link UNKNOWN} on voxels nobody has annotated. Unknown voxels are excluded from every
 * supervised loss; they are not background.
 */

/** Value of an unannotated voxel in a label map. */
export const UNKNOWN = 255;
