import { readNiftiFile, scaledData, type NiftiImage, type VoxelArray } from '../io/index.ts';
import { ApiError } from '../../shared/api.ts';
import type { Axis } from '../../shared/types.ts';
import type { ProjectStore } from '../store/projectStore.ts';
import { AXIS_INDEX, slicePlane } from './slicePlane.ts';

/**
 * The last scan read per open project, as stored (int16 stays 2 bytes a voxel): a person fills
 * slice after slice of one scan, and a tolerance change asks for the same slice again.
 */
const lastRead = new WeakMap<ProjectStore, { file: string; image: Promise<NiftiImage> }>();

/**
 * One slice of a scan's intensities for the fill (row-major, u fastest as in SlicePlane), in
 * real-world values (scl_slope and scl_inter applied), as the viewer shows them and training reads
 * them. Read on the main side from the project's own scan file: the renderer has the same voxels
 * in NiiVue, but a region computed there would have to be trusted by the server or sent back voxel
 * by voxel, while here preview and commit are one computation on one copy, so what is committed is
 * exactly what was previewed, and the renderer stays off the file system.
 */
export async function sliceIntensities(store: ProjectStore, scanId: string, axis: Axis, slice: number): Promise<Float32Array> {
  const files = store.scanFiles(scanId);
  if (!files) throw new ApiError('not-found', `no scan with id ${scanId}`);
  let entry = lastRead.get(store);
  if (entry?.file !== files.imageFile) {
    entry = { file: files.imageFile, image: readNiftiFile(store.file(files.imageFile)) };
    lastRead.set(store, entry);
    const failed = entry;
    // a failed read is not kept: the next fill tries the file again
    entry.image.catch(() => {
      if (lastRead.get(store) === failed) lastRead.delete(store);
    });
  }
  const image = await entry.image;
  const extent = image.shape[AXIS_INDEX[axis]];
  if (slice >= extent) throw new ApiError('bad-input', `slice ${slice} is outside axis ${axis} (0..${extent - 1})`);
  const plane = slicePlane(image.shape, axis, slice);
  const stored = new (image.data.constructor as new (length: number) => VoxelArray)(plane.width * plane.height);
  for (let v = 0, p = 0; v < plane.height; v++) for (let u = 0; u < plane.width; u++, p++) stored[p] = image.data[plane.voxel(u, v)];
  // scaledData reads only the header's scaling and the values: given the slice, it scales the slice
  return scaledData({ ...image, data: stored });
}
