import { useCallback, useEffect, useState } from 'react';
import type { ScanInfo } from '../../../shared/types.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { startGpuHost } from '../gpu/gpuHost.ts';
import { useGuide } from '../guide/useGuide.ts';
import { ProjectDialog, type ProjectDialogMode } from '../project/ProjectDialog.tsx';
import { useProject } from '../project/useProject.ts';
import { DropOverlay } from '../scans/DropOverlay.tsx';
import { ImportDialog } from '../scans/ImportDialog.tsx';
import { groupNiftiFiles } from '../scans/niftiFiles.ts';
import { ScanList } from '../scans/ScanList.tsx';
import { useImports } from '../scans/useImports.ts';
import { useSelectedScan } from '../scans/useSelectedScan.ts';
import { useWindowFileDrop } from '../scans/useWindowFileDrop.ts';
import { useDisplaySettings } from '../viewer/useDisplaySettings.ts';
import { ErrorBanner } from './ErrorBanner.tsx';
import { TopBar } from './TopBar.tsx';
import { useErrorLog } from './useErrorLog.ts';
import { Workbench } from './Workbench.tsx';
import './app.css';

type OpenDialog = { kind: 'project'; mode: ProjectDialogMode } | { kind: 'import' } | null;

export function App() {
  const api = useApi();
  const { errors, report, dismiss } = useErrorLog();
  // This window's GPU, offered for training and prediction through WebGPU where it has one.
  useEffect(() => startGpuHost(api), [api]);
  const { project, appInfo, phase, busy, switchProject, refresh } = useProject(report);
  const [selectedId, select] = useSelectedScan(project);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const guide = useGuide(project, appInfo, report);
  const display = useDisplaySettings(appInfo, report);

  const onImported = useCallback(
    (info: ScanInfo) => {
      void refresh().then(() => select(info.id));
    },
    [refresh, select],
  );
  const { pending, importFiles } = useImports({ onImported, report });

  const onDroppedFiles = useCallback(
    (files: File[]) => {
      const { items, rejected } = groupNiftiFiles(files);
      for (const f of rejected) report(new Error(`${f.name} is not a NIfTI file (.nii or .nii.gz)`), 'Not imported');
      if (items.length) importFiles(items);
    },
    [importFiles, report],
  );
  const canImport = project !== null && dialog === null;
  const dragging = useWindowFileDrop(onDroppedFiles, canImport);

  const openSample = async () => {
    try {
      await switchProject('sample');
    } catch (err) {
      report(err, 'Could not open the sample project');
    }
  };

  const selected = project?.scans.find((v) => v.id === selectedId) ?? null;
  return (
    <div className="app" data-testid="app" data-phase={phase}>
      <TopBar
        project={project}
        appInfo={appInfo}
        busy={busy}
        onOpen={() => setDialog({ kind: 'project', mode: 'open' })}
        onCreate={() => setDialog({ kind: 'project', mode: 'create' })}
        onOpenSample={() => void openSample()}
        onGuide={guide.show}
      />
      <ErrorBanner errors={errors} onDismiss={dismiss} />
      <main className="workspace">
        <ScanList
          scans={project?.scans ?? []}
          selectedId={selectedId}
          pending={pending}
          onSelect={select}
          onImport={() => setDialog({ kind: 'import' })}
          disabled={project === null}
        />
        <Workbench project={project} scan={selected} onProjectStale={() => void refresh()} report={report} guide={guide} display={display} />
      </main>
      {dialog?.kind === 'project' && (
        <ProjectDialog
          mode={dialog.mode}
          appInfo={appInfo}
          currentPath={project?.path ?? null}
          onCancel={() => setDialog(null)}
          onConfirm={async (path) => {
            await switchProject(dialog.mode, path);
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'import' && (
        <ImportDialog
          onCancel={() => setDialog(null)}
          onImport={(item) => {
            setDialog(null);
            importFiles([item]);
          }}
        />
      )}
      {dragging && <DropOverlay />}
    </div>
  );
}
