import { useRef, useState } from 'react';
import { ApiError } from '../../../shared/api.ts';
import type { VolumeInfo } from '../../../shared/types.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { errorMessage } from '../api/errors.ts';
import { Dialog } from '../app/Dialog.tsx';
import { downloadFile } from './download.ts';
import { sidecarName } from './exportNames.ts';

interface LabelFilesProps {
  volume: VolumeInfo | null;
  volumes: VolumeInfo[];
  /** A label map was put onto `volume`: the project and the shown labels are stale. */
  onImported(): void;
  report(err: unknown, context: string): void;
}

interface Refused {
  file: File;
  bytes: ArrayBuffer;
  message: string;
}

/**
 * Label maps in and out: export the shown scan's or every scan's labels (NIfTI in the scan's
 * geometry plus a JSON sidecar) as downloads, import a label map onto the shown scan.
 */
export function LabelFiles({ volume, volumes, onImported, report }: LabelFilesProps) {
  const api = useApi();
  const inputRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [refused, setRefused] = useState<Refused | null>(null);

  const exportScans = async (targets: VolumeInfo[]) => {
    for (const [n, v] of targets.entries()) {
      setBusy(targets.length > 1 ? `Exporting ${n + 1} of ${targets.length}…` : 'Exporting…');
      try {
        const out = await api.call('annotations.export', { volumeId: v.id, sidecar: true });
        downloadFile(out.nifti, out.fileName, 'application/gzip');
        if (out.sidecar !== null) downloadFile(out.sidecar, sidecarName(out.fileName), 'application/json');
      } catch (err) {
        report(err, `Could not export the labels of ${v.name}`);
      }
    }
    setBusy(null);
  };

  const importLabels = async (file: File, bytes: ArrayBuffer, createClasses: boolean) => {
    if (!volume) return;
    setBusy('Importing…');
    try {
      await api.call('volumes.importLabels', { id: volume.id, labels: bytes, labelsFileName: file.name, createClasses });
      onImported();
    } catch (err) {
      if (!createClasses && isUnknownValues(err)) setRefused({ file, bytes, message: errorMessage(err) });
      else report(err, `Could not import ${file.name} onto ${volume.name}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="side-section" aria-label="Label files" data-testid="label-files">
      <div className="side-section__header">
        <h3 className="panel-header__title">Label map</h3>
        {busy && (
          <span className="busy" data-testid="label-files-busy">
            <span className="spinner" aria-hidden="true" />
            {busy}
          </span>
        )}
      </div>
      <div className="button-column">
        <div className="button-row">
          <button
            type="button"
            className="button button--small"
            data-testid="export-current"
            disabled={!volume || busy !== null}
            title="Save this scan's label map (.nii.gz, the scan's geometry) and its .json sidecar"
            onClick={() => volume && void exportScans([volume])}
          >
            Export this scan
          </button>
          <button
            type="button"
            className="button button--small"
            data-testid="export-all"
            disabled={volumes.length === 0 || busy !== null}
            title="Save the label map and sidecar of every scan"
            onClick={() => void exportScans(volumes)}
          >
            Export all ({volumes.length})
          </button>
        </div>
        <button
          type="button"
          className="button button--small"
          data-testid="import-labels"
          disabled={!volume || busy !== null}
          title="Replace this scan's labels with a label map of the same geometry"
          onClick={() => inputRef.current?.click()}
        >
          Import label map…
        </button>
        <input
          ref={inputRef}
          type="file"
          accept=".nii,.gz,application/gzip"
          hidden
          data-testid="import-labels-input"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) await importLabels(file, await file.arrayBuffer(), false);
          }}
        />
      </div>
      {refused && volume && (
        <Dialog
          title="Create the missing classes?"
          testId="import-labels-dialog"
          onClose={() => setRefused(null)}
          onSubmit={() => {
            const r = refused;
            setRefused(null);
            void importLabels(r.file, r.bytes, true);
          }}
          footer={
            <>
              <button type="button" className="button" onClick={() => setRefused(null)}>
                Cancel
              </button>
              <button type="submit" className="button button--primary" data-testid="import-labels-create">
                Create classes and import
              </button>
            </>
          }
        >
          <p data-testid="import-labels-problem">{refused.message}</p>
          <p className="field__hint">
            Importing {refused.file.name} onto {volume.name} can add a class for each of these values; rename and recolour them afterwards.
          </p>
        </Dialog>
      )}
    </section>
  );
}

/** The server refuses a label map whose values have no class; other refusals (geometry) are final. */
function isUnknownValues(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 'bad-input' || err.code === 'conflict') && /class/i.test(err.message) && !/geometry|shape|affine/i.test(err.message);
}
