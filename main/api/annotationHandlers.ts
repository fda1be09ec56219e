import { ApiError } from '../../shared/api.ts';
import type { AnnotationUpdate, ProjectInfo, SliceStates } from '../../shared/types.ts';
import { AXES } from '../../shared/types.ts';
import { annotationService } from '../annotation/annotationService.ts';
import { addClass, updateClass } from '../annotation/labelClasses.ts';
import type { DomainHandlers } from './domainHandlers.ts';
import { exportedLabels } from './labelExport.ts';
import type { Workspace } from './workspace.ts';

function annotatedCount(states: SliceStates): number {
  return AXES.reduce((n, a) => n + states[a].filter((s) => s === 'annotated').length, 0);
}

/**
 * Label classes and annotation editing. `changed` tells every UI about the project when what
 * it lists changes (classes, a volume getting labels, annotated-slice counts), not on every stroke.
 */
export function createAnnotationHandlers(ws: Workspace, changed: () => ProjectInfo | null): DomainHandlers<'classes' | 'annotations'> {
  const service = () => annotationService(ws.requireProject());
  const requireVolume = (id: string) => {
    if (!ws.requireProject().volumeFiles(id)) throw new ApiError('not-found', `no volume with id ${id}`);
  };
  /** Runs an edit and reports the project as changed when the edit changed what the project lists. */
  const edit = (volumeId: string, run: () => AnnotationUpdate): AnnotationUpdate => {
    requireVolume(volumeId);
    const hadLabels = service().hasLabels(volumeId);
    const before = annotatedCount(service().sliceStates(volumeId));
    const update = run();
    if (!hadLabels || annotatedCount(update.slices) !== before) changed();
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
      const volumes = service().usage(value);
      return { value, voxels: volumes.reduce((n, v) => n + v.voxels, 0), volumes };
    },
    'classes.remove': async ({ value, force }) => {
      service().removeClass(value, force);
      return classesChanged();
    },
    'annotations.load': async ({ volumeId }) => {
      requireVolume(volumeId);
      return service().snapshot(volumeId);
    },
    'annotations.paint': async ({ volumeId, axis, slice, indices, value }) => {
      if (indices.byteLength % 4 !== 0) throw new ApiError('bad-input', 'indices must be a Uint32Array buffer (a multiple of 4 bytes)');
      return edit(volumeId, () => service().paint(volumeId, axis, slice, new Uint32Array(indices), value));
    },
    'annotations.fill': async ({ volumeId, axis, slice, seed, value }) => edit(volumeId, () => service().fill(volumeId, axis, slice, seed, value)),
    'annotations.interpolate': async ({ volumeId, axis, from, to }) => edit(volumeId, () => service().interpolate(volumeId, axis, from, to)),
    'annotations.setSliceState': async ({ volumeId, axis, slices, state }) => edit(volumeId, () => service().setSliceState(volumeId, axis, slices, state)),
    'annotations.undo': async ({ volumeId }) => edit(volumeId, () => service().undo(volumeId)),
    'annotations.redo': async ({ volumeId }) => edit(volumeId, () => service().redo(volumeId)),
    'annotations.export': async ({ volumeId, sidecar, content, runId }) => {
      requireVolume(volumeId);
      return exportedLabels(ws.requireProject(), volumeId, sidecar, { content, runId });
    },
  };
}
