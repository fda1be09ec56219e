import { ApiError } from '../../shared/api.ts';
import type { LabelClass } from '../../shared/types.ts';
import type { ProjectStore } from '../store/projectStore.ts';

const MIN_VALUE = 1;
const MAX_VALUE = 254;

function nameTaken(classes: LabelClass[], name: string, except?: number): LabelClass | undefined {
  return classes.find((c) => c.value !== except && c.name.toLowerCase() === name.toLowerCase());
}

/**
 * Adds a label class with the given value, or the lowest free one. Names are unique
 * regardless of case, so a class can be told apart by name in every list.
 */
export function addClass(store: ProjectStore, req: { name: string; color: string; value?: number }): LabelClass {
  const classes = store.classes();
  const clash = nameTaken(classes, req.name);
  if (clash) throw new ApiError('conflict', `a class named "${clash.name}" already exists (value ${clash.value})`);
  let value = req.value;
  if (value === undefined) {
    const used = new Set(classes.map((c) => c.value));
    for (let v = MIN_VALUE; v <= MAX_VALUE && value === undefined; v++) if (!used.has(v)) value = v;
    if (value === undefined) throw new ApiError('conflict', `all ${MAX_VALUE} class values are in use: delete a class first`);
  } else {
    const holder = classes.find((c) => c.value === value);
    if (holder) throw new ApiError('conflict', `value ${value} already belongs to class "${holder.name}"`);
  }
  const cls = { value, name: req.name, color: req.color.toLowerCase() };
  store.addClasses([cls]);
  return cls;
}

/** Renames and/or recolours a class; its value, and so every voxel holding it, stays. */
export function updateClass(store: ProjectStore, req: { value: number; name?: string; color?: string }): LabelClass {
  const classes = store.classes();
  const cls = classes.find((c) => c.value === req.value);
  if (!cls) throw new ApiError('not-found', `no label class with value ${req.value}`);
  if (req.name !== undefined) {
    const clash = nameTaken(classes, req.name, req.value);
    if (clash) throw new ApiError('conflict', `a class named "${clash.name}" already exists (value ${clash.value})`);
  }
  const next = { value: cls.value, name: req.name ?? cls.name, color: (req.color ?? cls.color).toLowerCase() };
  store.updateClass(next);
  return next;
}
