import { useRef, useState } from 'react';
import { ApiError } from '../../../shared/api.ts';
import type { ExportContent, RunInfo, ScanInfo } from '../../../shared/types.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { errorMessage } from '../api/errors.ts';
import { Dialog } from '../app/Dialog.tsx';
import { downloadFile } from './download.ts';
import { sidecarName } from './exportNames.ts';

interface LabelFilesProps {
  scan: ScanInfo | null;
  scans: ScanInfo[];
  /** The run whose prediction the Review tab shows: what "raw prediction" exports. */
  predictionRun: RunInfo | null;
  /** A label map was put onto `scan`: the project and the shown labels are stale. */
  onImported(): void;
  report(err: unknown, context: string): void;
}

interface Refused {
  file: File;
  bytes: ArrayBuffer;
  message: string;
}

const CONTENT_LABELS: Record<ExportContent, string> = {
  'with-accepted': 'Annotations + accepted predictions',
  annotations: 'Annotations only',
  prediction: 'Raw prediction of the shown run',
};

/**
 * Label maps in and out: export the shown scan's or every scan's label map (NIfTI in the
 * scan's geometry plus a JSON sidecar) as downloads, holding the annotations with or without
 * the accepted predictions, or the raw prediction of the run the Review tab shows; import a
 * label map onto the shown scan. A batch export shows its progress and can be stopped.
 */
export function LabelFiles({ scan, scans, predictionRun, onImported, report }: LabelFilesProps) {
  const api = useApi();
  const inputRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const stopRef = useRef(false);
  const [refused, setRefused] = useState<Refused | null>(null);
  const [chosen, setContent] = useState<ExportContent>('with-accepted');
  const content = chosen === 'prediction' && !predictionRun ? 'with-accepted' : chosen;

  const exportScans = async (all: ScanInfo[]) => {
    const runId = content === 'prediction' ? predictionRun!.id : undefined;
    // a run's prediction exists only for the scans it predicted
    const targets = runId ? all.filter((v) => predictionRun!.predicted.includes(v.id)) : all;
    if (targets.length === 0) {
      report(new Error(`run ${runId?.slice(0, 6)} has not predicted ${all.length === 1 ? 'this scan' : 'any scan'}: predict first`), 'Nothing to export');
      return;
    }
    stopRef.current = false;
    for (const [n, v] of targets.entries()) {
      if (stopRef.current) break;
      setBusy(targets.length > 1 ? `Exporting ${n + 1} of ${targets.length}…` : 'Exporting…');
      setProgress(targets.length > 1 ? { done: n, total: targets.length } : null);
      try {
        const out = await api.call('annotations.export', { scanId: v.id, sidecar: true, content, ...(runId ? { runId } : {}) });
        downloadFile(out.nifti, out.fileName, 'application/gzip');
        if (out.sidecar !== null) downloadFile(out.sidecar, sidecarName(out.fileName), 'application/json');
      } catch (err) {
        report(err, `Could not export the labels of ${v.name}`);
      }
    }
    setBusy(null);
    setProgress(null);
  };

  const importLabels = async (file: File, bytes: ArrayBuffer, createClasses: boolean) => {
    if (!scan) return;
    setBusy('Importing…');
    try {
      await api.call('scans.importLabels', { id: scan.id, labels: bytes, labelsFileName: file.name, createClasses });
      onImported();
    } catch (err) {
      if (!createClasses && isUnknownValues(err)) setRefused({ file, bytes, message: errorMessage(err) });
      else report(err, `Could not import ${file.name} onto ${scan.name}`);
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
      {progress && (
        <div className="export-progress">
          <progress data-testid="export-progress" value={progress.done} max={progress.total} />
          <button type="button" className="button button--small" data-testid="export-stop" onClick={() => (stopRef.current = true)}>
            Stop
          </button>
        </div>
      )}
      <div className="button-column">
        <select
          className="text-input"
          data-testid="export-content"
          aria-label="What the exported label map holds"
          value={content}
          disabled={busy !== null}
          onChange={(e) => setContent(e.target.value as ExportContent)}
        >
          {(Object.keys(CONTENT_LABELS) as ExportContent[]).map((c) => (
            <option key={c} value={c} disabled={c === 'prediction' && !predictionRun}>
              {CONTENT_LABELS[c]}
            </option>
          ))}
        </select>
        <div className="button-row">
          <button
            type="button"
            className="button button--small"
            data-testid="export-current"
            disabled={!scan || busy !== null}
            title="Save this scan's label map (.nii.gz, the scan's geometry) and its .json sidecar"
            onClick={() => scan && void exportScans([scan])}
          >
            Export this scan
          </button>
          <button
            type="button"
            className="button button--small"
            data-testid="export-all"
            disabled={scans.length === 0 || busy !== null}
            title="Save the label map and sidecar of every scan"
            onClick={() => void exportScans(scans)}
          >
            Export all ({scans.length})
          </button>
        </div>
        <button
          type="button"
          className="button button--small"
          data-testid="import-labels"
          disabled={!scan || busy !== null}
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
      {refused && scan && (
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
            Importing {refused.file.name} onto {scan.name} can add a class for each of these values; rename and recolour them afterwards.
          </p>
        </Dialog>
      )}
    </section>
  );
}

/** The server refuses a label map whose values have no class; other refusals (geometry) are final. */
function isUnknownValues(err: unknown): boolean {
  return (
    err instanceof ApiError &&
    (err.code === 'bad-input' || err.code === 'conflict') &&
    /class/i.test(err.message) &&
    !/geometry|shape|affine/i.test(err.message)
  );
}
