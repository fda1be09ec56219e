import { readFileSync } from 'node:fs';
import { ApiError } from '../../shared/api.ts';
import { readNifti, type NiftiHeader } from '../io/index.ts';
import type { ProjectStore } from '../store/projectStore.ts';

const headers = new WeakMap<ProjectStore, Map<string, NiftiHeader>>();

/**
 * A scan's NIfTI header, the geometry every map written for it uses. Read once per open
 * project: a scan never changes after import (scan ids are not reused), and reading the
 * header of a .nii.gz means inflating the whole file, which review and export would otherwise
 * do on every click.
 */
export function scanHeader(store: ProjectStore, scanId: string): NiftiHeader {
  let cache = headers.get(store);
  if (!cache) headers.set(store, (cache = new Map()));
  const cached = cache.get(scanId);
  if (cached) return cached;
  const files = store.scanFiles(scanId);
  if (!files) throw new ApiError('not-found', `no scan with id ${scanId}`);
  const header = readNifti(readFileSync(store.file(files.imageFile)), files.imageFile).header;
  cache.set(scanId, header);
  return header;
}
