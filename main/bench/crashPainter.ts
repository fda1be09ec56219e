/**
 * Child process of bench:crash: opens a project and paints rows of voxels on one scan as fast
 * as it can (compacting the journal every few edits, so kills land inside compactions too) until
 * it is killed. Prints "painting" once its first edit has returned, so the parent kills it while
 * it works rather than while it starts.
 */
import { writeSync } from 'node:fs';
import { AnnotationService } from '../annotation/annotationService.ts';
import { ProjectStore } from '../store/projectStore.ts';

const [path, scanId] = process.argv.slice(2);
const store = ProjectStore.open(path);
const service = new AnnotationService(store, { compaction: 'inline', compactAfterEdits: 3, historyEdits: 3 });
const [ni, nj, nk] = store.scans().find((v) => v.id === scanId)!.shape;
for (let r = 0; ; r++) {
  const k = Math.floor(nk / 2) + (r % 5) - 2;
  const j = r % nj;
  const indices = Uint32Array.from({ length: ni }, (_, i) => i + ni * (j + nj * k));
  service.paint(scanId, 'k', k, indices, 1 + (Math.floor(r / nj) % 2));
  if (r === 0) writeSync(1, 'painting\n');
}
