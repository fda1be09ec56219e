import { ApiError } from '../../shared/api.ts';
import type { AnnotationUpdate, ProjectInfo, SliceState, SliceStates } from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { annotationService } from '../annotation/annotationService.ts';
import { addClass, updateClass } from '../annotation/labelClasses.ts';
import { sliceIntensities } from '../annotation/scanIntensity.ts';
import type { DomainHandlers } from './domainHandlers.ts';
import { exportedLabels } from './labelExport.ts';
import type { Workspace } from './workspace.ts';

/** The slice counts a project lists (ScanInfo.annotatedSlices, paintedSlices), as one comparable key. */
function listedCounts(states: SliceStates): string {
  const count = (state: SliceState) => AXES.map((a) => states[a].filter((s) => s === state).length).join(',');
  return `${count('annotated')}/${count('painted')}`;
}

/**
 * Label classes and annotation editing. `changed` tells every UI about the project when what
 * it lists changes (classes, a scan getting labels, annotated- and painted-slice counts), not on every stroke.
 */
export function createAnnotationHandlers(ws: Workspace, changed: () => ProjectInfo | null): DomainHandlers<'classes' | 'annotations'> {
  const service = () => annotationService(ws.requireProject());
  const requireScan = (id: string) => {
    if (!ws.requireProject().scanFiles(id)) throw new ApiError('not-found', `no scan with id ${id}`);
  };
  /** Runs an edit and reports the project as changed when the edit changed what the project lists. */
  const edit = (scanId: string, run: () => AnnotationUpdate): AnnotationUpdate => {
    requireScan(scanId);
    const hadLabels = service().hasLabels(scanId);
    const before = listedCounts(service().sliceStates(scanId));
    const update = run();
    if (!hadLabels || listedCounts(update.slices) !== before) changed();
    return update;
  };
  const classesChanged = () => {
    changed();
    return ws.requireProject().classes();
  };

  return {
    'classes.add': async (req) => {
      addClass(ws.requireProject(), req);
      return classesChanged();
    },
    'classes.update': async (req) => {
      updateClass(ws.requireProject(), req);
      return classesChanged();
    },
    'classes.usage': async ({ value }) => {
      if (
        !ws
          .requireProject()
          .classes()
          .some((c) => c.value === value)
      )
        throw new ApiError('not-found', `no label class with value ${value}`);
      const scans = service().usage(value);
      return { value, voxels: scans.reduce((n, v) => n + v.voxels, 0), scans };
    },
    'classes.remove': async ({ value, force }) => {
      service().removeClass(value, force);
      return classesChanged();
    },
    'annotations.load': async ({ scanId }) => {
      requireScan(scanId);
      return service().snapshot(scanId);
    },
    'annotations.paint': async ({ scanId, axis, slice, indices, value }) => {
      if (indices.byteLength % 4 !== 0) throw new ApiError('bad-input', 'indices must be a Uint32Array buffer (a multiple of 4 bytes)');
      return edit(scanId, () => service().paint(scanId, axis, slice, new Uint32Array(indices), value));
    },
    'annotations.fillPreview': async ({ scanId, axis, slice, seed, value, tolerance }) => {
      requireScan(scanId);
      const intensity = await sliceIntensities(ws.requireProject(), scanId, axis, slice);
      return service().fillRegion(scanId, axis, slice, seed, value, intensity, tolerance);
    },
    'annotations.fill': async ({ scanId, axis, slice, seed, value, tolerance, revision }) => {
      requireScan(scanId);
      const intensity = await sliceIntensities(ws.requireProject(), scanId, axis, slice);
      return edit(scanId, () => service().fill(scanId, axis, slice, seed, value, intensity, { tolerance, revision }));
    },
    'annotations.interpolate': async ({ scanId, axis, from, to }) => edit(scanId, () => service().interpolate(scanId, axis, from, to)),
    'annotations.setSliceState': async ({ scanId, axis, slices, state }) => edit(scanId, () => service().setSliceState(scanId, axis, slices, state)),
    'annotations.markBackground': async ({ scanId, axis, slice }) => edit(scanId, () => service().markBackground(scanId, axis, slice)),
    'annotations.undo': async ({ scanId }) => edit(scanId, () => service().undo(scanId)),
    'annotations.redo': async ({ scanId }) => edit(scanId, () => service().redo(scanId)),
    'annotations.export': async ({ scanId, sidecar, content, runId }) => {
      requireScan(scanId);
      return exportedLabels(ws.requireProject(), scanId, sidecar, { content, runId });
    },
  };
}
