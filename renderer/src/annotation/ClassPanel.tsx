import { useEffect, useRef, useState } from 'react';
import type { LabelClass } from '../../../shared/types.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { Dialog } from '../app/Dialog.tsx';
import { classDisplay, type ClassDisplay, type ClassDisplays } from '../viewer/labelColormap.ts';
import { newClassDefaults, orderedClasses } from './classPalette.ts';
import { formatMl } from './classVolume.ts';

interface ClassPanelProps {
  classes: LabelClass[];
  active: number | null;
  onSelect(value: number): void;
  /** The class table changed on the server; `removed` when voxels may have changed too. */
  onChanged(classes: LabelClass[], removed: boolean): void;
  report(err: unknown, context: string): void;
  /** How each class is drawn in the viewer, and the change of one. */
  displays: ClassDisplays;
  onDisplay(value: number, display: ClassDisplay): void;
  /** Voxels per label value in the shown scan and the volume of one voxel in mL; null while no scan is shown. */
  volumes: { counts: Uint32Array; voxelMl: number } | null;
}

interface PendingDelete {
  cls: LabelClass;
  voxels: number;
  scans: number;
}

/**
 * The project's label classes: pick the one to paint with, add, rename, recolour, delete; show or
 * hide each in the viewer, set its opacity, and read its volume in the shown scan.
 */
export function ClassPanel({ classes, active, onSelect, onChanged, report, displays, onDisplay, volumes }: ClassPanelProps) {
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
        {list.map((cls, n) => {
          const display = classDisplay(displays, cls.value);
          return (
            <li
              key={cls.value}
              role="option"
              aria-selected={cls.value === active}
              className={`class-row${cls.value === active ? ' class-row--active' : ''}`}
              data-testid="class-row"
              data-value={cls.value}
              onClick={() => onSelect(cls.value)}
            >
              <div className="class-row__main">
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
              </div>
              <ClassDisplayRow cls={cls} display={display} onDisplay={(d) => onDisplay(cls.value, d)} volumes={volumes} />
            </li>
          );
        })}
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

/** A class's line under its name: shown or hidden, its opacity, and its volume in the shown scan. */
function ClassDisplayRow({
  cls,
  display,
  onDisplay,
  volumes,
}: {
  cls: LabelClass;
  display: ClassDisplay;
  onDisplay(display: ClassDisplay): void;
  volumes: ClassPanelProps['volumes'];
}) {
  const percent = Math.round(display.opacity * 100);
  const voxels = volumes ? volumes.counts[cls.value] : null;
  const ml = volumes && voxels !== null ? voxels * volumes.voxelMl : null;
  return (
    // clicks here set how the class looks, they do not pick it to paint with
    <div className="class-row__display" onClick={(e) => e.stopPropagation()}>
      <button
        type="button"
        className={`icon-button icon-button--small class-row__eye${display.visible ? '' : ' class-row__eye--off'}`}
        aria-label={`${display.visible ? 'Hide' : 'Show'} ${cls.name}`}
        aria-pressed={!display.visible}
        title={display.visible ? `Hide ${cls.name} in the viewer` : `Show ${cls.name} in the viewer`}
        data-testid="class-visible"
        data-visible={display.visible}
        onClick={() => onDisplay({ ...display, visible: !display.visible })}
      >
        {display.visible ? '◉' : '○'}
      </button>
      <input
        type="range"
        className="slider class-row__opacity"
        min={0}
        max={100}
        step={5}
        value={percent}
        disabled={!display.visible}
        aria-label={`Opacity of ${cls.name}`}
        aria-valuetext={`${percent}%`}
        data-testid="class-opacity"
        onChange={(e) => onDisplay({ ...display, opacity: Number(e.target.value) / 100 })}
      />
      <span className="class-row__percent">{percent}%</span>
      <span
        className="class-row__volume"
        data-testid="class-volume"
        data-voxels={voxels ?? ''}
        data-ml={ml ?? ''}
        title={voxels === null ? 'No scan shown' : `${voxels.toLocaleString('en-US')} voxel${voxels === 1 ? '' : 's'} in the shown scan`}
      >
        {ml === null ? '–' : formatMl(ml)}
      </span>
    </div>
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
