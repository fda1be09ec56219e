/** The typed arrays that hold images (`Float32Array`) and label maps (`Uint8Array`). */
export type VoxelArray = Float32Array | Uint8Array;

/** A zero-filled array of the same type as `like`, with `length` elements. */
export function allocateLike<T extends VoxelArray>(like: T, length: number): T {
  return new (like.constructor as new (length: number) => T)(length);
}
