/**
 * Child process of tests/integration/annotationCrash.test.ts: opens a project and paints
 * strokes on one scan as fast as it can, writing "ack <revision>" (synchronously, so no
 * acknowledged line is lost in a buffer) after each edit has returned, until it is killed.
 * Compaction runs inline after every few edits so that kills land inside compactions too.
 * Stroke r (the r-th edit of the scan) is `crashStroke(r)`, so the parent can rebuild the
 * expected map from the revision alone.
 */
import { writeSync } from 'node:fs';
import { AnnotationService } from '../../main/annotation/annotationService.ts';
import { ProjectStore } from '../../main/store/projectStore.ts';
import { crashStroke } from './crashStroke.ts';

const [path, scanId, compactAfter] = process.argv.slice(2);
const store = ProjectStore.open(path);
const service = new AnnotationService(store, { compaction: 'inline', compactAfterEdits: Number(compactAfter), historyEdits: 3 });
const shape = store.scans().find((v) => v.id === scanId)!.shape;
for (let r = service.snapshot(scanId).revision + 1; ; r++) {
  const stroke = crashStroke(shape, r);
  const update = service.paint(scanId, 'k', stroke.k, stroke.indices, stroke.value);
  writeSync(1, `ack ${update.revision}\n`);
}
