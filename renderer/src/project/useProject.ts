import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppInfo, ProjectInfo } from '../../../shared/types.ts';
import { useApi } from '../api/ApiProvider.tsx';

export type ProjectAction = 'open' | 'create' | 'sample';

export interface ProjectState {
  project: ProjectInfo | null;
  appInfo: AppInfo | null;
  /** "starting" until the first project is known. */
  phase: 'starting' | 'ready' | 'failed';
  /** What is being done right now ("Opening project…"), for the busy indicator. */
  busy: string | null;
  /** Opens, creates or opens the sample; throws so a dialog can show the failure in place. */
  switchProject(action: ProjectAction, path?: string): Promise<ProjectInfo>;
  /** Re-reads the open project (after an import, in case an event was missed). */
  refresh(): Promise<void>;
}

/**
 * The open project, kept current from three sources: the first read at start, the results of the
 * calls this window makes, and `project.changed` events (which also cover changes made by the CLI
 * or another window).
 */
export function useProject(report: (err: unknown, context?: string) => void): ProjectState {
  const api = useApi();
  const [project, setProject] = useState<ProjectInfo | null>(null);
  const [appInfo, setAppInfo] = useState<AppInfo | null>(null);
  const [phase, setPhase] = useState<ProjectState['phase']>('starting');
  const [busy, setBusy] = useState<string | null>(null);
  const reportRef = useRef(report);
  reportRef.current = report;

  const refreshInfo = useCallback(async () => {
    try {
      setAppInfo(await api.call('app.info', {}));
    } catch (err) {
      reportRef.current(err, 'Could not read the app settings');
    }
  }, [api]);

  useEffect(() => {
    let live = true;
    const off = api.on('project.changed', (info) => {
      setProject(info);
      void refreshInfo();
    });
    (async () => {
      try {
        const [info, current] = await Promise.all([api.call('app.info', {}), api.call('projects.current', {})]);
        if (!live) return;
        setAppInfo(info);
        for (const problem of info.startupProblems) reportRef.current(new Error(problem), 'A recent project was not reopened');
        if (current) {
          setProject(current);
        } else {
          setBusy('Opening the sample project…');
          const sample = await api.call('projects.openSample', {});
          if (live) setProject(sample);
        }
        if (live) setPhase('ready');
      } catch (err) {
        if (!live) return;
        setPhase('failed');
        reportRef.current(err, 'Could not open a project');
      } finally {
        if (live) setBusy(null);
      }
    })();
    return () => {
      live = false;
      off();
    };
  }, [api, refreshInfo]);

  const switchProject = useCallback(
    async (action: ProjectAction, path?: string) => {
      setBusy(action === 'create' ? 'Creating project…' : action === 'sample' ? 'Opening the sample project…' : 'Opening project…');
      try {
        const info =
          action === 'sample'
            ? await api.call('projects.openSample', {})
            : await api.call(action === 'create' ? 'projects.create' : 'projects.open', { path: path ?? '' });
        setProject(info);
        setPhase('ready');
        void refreshInfo();
        return info;
      } finally {
        setBusy(null);
      }
    },
    [api, refreshInfo],
  );

  const refresh = useCallback(async () => {
    try {
      const current = await api.call('projects.current', {});
      if (current) setProject(current);
    } catch (err) {
      reportRef.current(err, 'Could not refresh the project');
    }
  }, [api]);

  return { project, appInfo, phase, busy, switchProject, refresh };
}
