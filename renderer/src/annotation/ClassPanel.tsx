import { useEffect, useRef, useState } from 'react';
import type { LabelClass } from '../../../shared/types.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { Dialog } from '../app/Dialog.tsx';
import { newClassDefaults, orderedClasses } from './classPalette.ts';

interface ClassPanelProps {
  classes: LabelClass[];
  active: number | null;
  onSelect(value: number): void;
  /** The class table changed on the server; `removed` when voxels may have changed too. */
  onChanged(classes: LabelClass[], removed: boolean): void;
  report(err: unknown, context: string): void;
}

interface PendingDelete {
  cls: LabelClass;
  voxels: number;
  scans: number;
}

/** The project's label classes: pick the one to paint with, add, rename, recolour, delete. */
export function ClassPanel({ classes, active, onSelect, onChanged, report }: ClassPanelProps) {
  const api = useApi();
  const [renaming, setRenaming] = useState<number | null>(null);
  const [deleting, setDeleting] = useState<PendingDelete | null>(null);
  const list = orderedClasses(classes);

  const add = async () => {
    try {
      const before = new Set(classes.map((c) => c.value));
      const next = await api.call('classes.add', newClassDefaults(classes));
      onChanged(next, false);
      const created = next.find((c) => !before.has(c.value));
      if (created) {
        onSelect(created.value);
        setRenaming(created.value);
      }
    } catch (err) {
      report(err, 'Could not add a class');
    }
  };

  const update = async (cls: LabelClass, change: { name?: string; color?: string }) => {
    try {
      onChanged(await api.call('classes.update', { value: cls.value, ...change }), false);
    } catch (err) {
      report(err, `Could not change ${cls.name}`);
    }
  };

  const askDelete = async (cls: LabelClass) => {
    try {
      const usage = await api.call('classes.usage', { value: cls.value });
      setDeleting({ cls, voxels: usage.voxels, scans: usage.scans.filter((v) => v.voxels > 0).length });
    } catch (err) {
      report(err, `Could not check where ${cls.name} is used`);
    }
  };

  const confirmDelete = async () => {
    if (!deleting) return;
    const { cls, voxels } = deleting;
    setDeleting(null);
    try {
      onChanged(await api.call('classes.remove', { value: cls.value, force: true }), voxels > 0);
    } catch (err) {
      report(err, `Could not delete ${cls.name}`);
    }
  };

  return (
    <section className="side-section" aria-label="Label classes" data-testid="class-panel">
      <div className="side-section__header">
        <h3 className="panel-header__title">Label classes</h3>
        <button type="button" className="button button--small" data-testid="class-add" onClick={() => void add()}>
          + Add
        </button>
      </div>
      {list.length === 0 && <p className="empty-note">No classes yet: add one to start painting.</p>}
      <ul className="class-list" role="listbox" aria-label="Class to paint with">
        {list.map((cls, n) => (
          <li
            key={cls.value}
            role="option"
            aria-selected={cls.value === active}
            className={`class-row${cls.value === active ? ' class-row--active' : ''}`}
            data-testid="class-row"
            data-value={cls.value}
            onClick={() => onSelect(cls.value)}
          >
            <ColourInput value={cls.color} label={`Colour of ${cls.name}`} onCommit={(color) => void update(cls, { color })} />
            {renaming === cls.value ? (
              <NameInput
                initial={cls.name}
                onDone={(name) => {
                  setRenaming(null);
                  if (name && name !== cls.name) void update(cls, { name });
                }}
              />
            ) : (
              <span className="class-row__name" data-testid="class-name" title="Double-click to rename" onDoubleClick={() => setRenaming(cls.value)}>
                {cls.name}
              </span>
            )}
            <span className="class-row__value" title="Voxel value in the label map">
              ={cls.value}
            </span>
            <span className="class-row__key">{n < 9 && <kbd title={`Key ${n + 1} selects this class`}>{n + 1}</kbd>}</span>
            <button
              type="button"
              className="icon-button icon-button--small"
              aria-label={`Rename ${cls.name}`}
              data-testid="class-rename"
              onClick={(e) => {
                e.stopPropagation();
                setRenaming(cls.value);
              }}
            >
              ✎
            </button>
            <button
              type="button"
              className="icon-button icon-button--small"
              aria-label={`Delete ${cls.name}`}
              data-testid="class-delete"
              onClick={(e) => {
                e.stopPropagation();
                void askDelete(cls);
              }}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {deleting && (
        <Dialog
          title={`Delete ${deleting.cls.name}?`}
          testId="class-delete-dialog"
          onClose={() => setDeleting(null)}
          onSubmit={() => void confirmDelete()}
          footer={
            <>
              <button type="button" className="button" onClick={() => setDeleting(null)}>
                Cancel
              </button>
              <button type="submit" className="button button--danger" data-testid="class-delete-confirm">
                Delete class
              </button>
            </>
          }
        >
          <p data-testid="class-delete-usage">
            {deleting.voxels === 0
              ? `No voxel is labelled ${deleting.cls.name}.`
              : `${deleting.voxels.toLocaleString('en-US')} voxel${deleting.voxels === 1 ? '' : 's'} in ${deleting.scans} scan${deleting.scans === 1 ? '' : 's'} ${deleting.voxels === 1 ? 'is' : 'are'} labelled ${deleting.cls.name}; they become background.`}
          </p>
        </Dialog>
      )}
    </section>
  );
}

/** Commits on the native change event (picker closed), not on every colour the picker passes through. */
function ColourInput({ value, label, onCommit }: { value: string; label: string; onCommit(color: string): void }) {
  const ref = useRef<HTMLInputElement>(null);
  const commitRef = useRef(onCommit);
  commitRef.current = onCommit;
  useEffect(() => {
    const input = ref.current!;
    input.value = value;
    const onChange = () => {
      if (input.value.toLowerCase() !== value.toLowerCase()) commitRef.current(input.value);
    };
    input.addEventListener('change', onChange);
    return () => input.removeEventListener('change', onChange);
  }, [value]);
  return (
    <input
      ref={ref}
      type="color"
      className="class-row__swatch"
      defaultValue={value}
      aria-label={label}
      data-testid="class-colour"
      onClick={(e) => e.stopPropagation()}
    />
  );
}

function NameInput({ initial, onDone }: { initial: string; onDone(name: string | null): void }) {
  const [name, setName] = useState(initial);
  const finished = useRef(false);
  const finish = (result: string | null) => {
    if (finished.current) return;
    finished.current = true;
    onDone(result);
  };
  return (
    <input
      className="text-input class-row__name-input"
      value={name}
      maxLength={64}
      autoFocus
      aria-label="Class name"
      data-testid="class-name-input"
      onFocus={(e) => e.target.select()}
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => setName(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') finish(name.trim() || null);
        else if (e.key === 'Escape') finish(null);
        e.stopPropagation();
      }}
      onBlur={() => finish(name.trim() || null)}
    />
  );
}
