import { useRef, useState } from 'react';
import { Dialog } from '../app/Dialog.tsx';
import { isNiftiName, type ImportItem } from './niftiFiles.ts';

const ACCEPT = '.nii,.nii.gz,.gz';

/** Picks a scan and, optionally, its label map with the system's file dialog. */
export function ImportDialog({ onCancel, onImport }: { onCancel(): void; onImport(item: ImportItem): void }) {
  const [scan, setScan] = useState<File | null>(null);
  const [labels, setLabels] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = () => {
    if (!scan) return setProblem('Choose a scan to import.');
    for (const f of [scan, labels]) {
      if (f && !isNiftiName(f.name)) return setProblem(`${f.name} is not a NIfTI file (.nii or .nii.gz).`);
    }
    onImport(labels ? { scan, labels } : { scan });
  };

  return (
    <Dialog
      title="Import scan"
      testId="import-dialog"
      onClose={onCancel}
      onSubmit={submit}
      footer={
        <>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" data-testid="import-confirm" disabled={!scan}>
            Import
          </button>
        </>
      }
    >
      <FilePicker
        label="Scan"
        hint="NIfTI-1 or NIfTI-2, .nii or .nii.gz"
        file={scan}
        testId="import-scan-input"
        onChange={(f) => {
          setScan(f);
          setProblem(null);
        }}
      />
      <FilePicker
        label="Label map (optional)"
        hint="same grid as the scan; voxel values are class numbers, 0 is background"
        file={labels}
        testId="import-labels-input"
        onChange={(f) => {
          setLabels(f);
          setProblem(null);
        }}
      />
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
    </Dialog>
  );
}

function FilePicker(props: { label: string; hint: string; file: File | null; testId: string; onChange(f: File | null): void }) {
  const input = useRef<HTMLInputElement>(null);
  const id = `${props.testId}-field`;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {props.label}
      </label>
      <div className="file-picker">
        <button type="button" id={id} className="button" onClick={() => input.current?.click()}>
          Choose file…
        </button>
        <span className={props.file ? 'file-picker__name' : 'file-picker__name file-picker__name--empty'}>
          {props.file ? `${props.file.name} (${formatBytes(props.file.size)})` : 'No file chosen'}
        </span>
        {props.file && (
          <button type="button" className="icon-button" aria-label={`Clear ${props.label}`} onClick={() => props.onChange(null)}>
            ×
          </button>
        )}
        <input
          ref={input}
          type="file"
          accept={ACCEPT}
          hidden
          data-testid={props.testId}
          onChange={(e) => {
            props.onChange(e.target.files?.[0] ?? null);
            e.target.value = '';
          }}
        />
      </div>
      <div className="field__hint">{props.hint}</div>
    </div>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 ** 2).toFixed(1)} MB`;
}
