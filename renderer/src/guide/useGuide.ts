import { useCallback, useState } from 'react';
import type { AppInfo, ProjectInfo } from '../../../shared/types.ts';
import { useApi } from '../api/ApiProvider.tsx';

export interface Guide {
  open: boolean;
  /** Opens the guide at its first step (the Guide button). */
  show(): void;
  /** Closes it for good: finished or skipped, it does not open on its own again, after a restart either. */
  close(): void;
}

/**
 * Whether the first-run guide shows: on its own on the sample until finished or skipped (the
 * dismissal lives in the app's settings, as browser mode's page storage does not outlive a
 * restart), and on any project when asked for.
 */
export function useGuide(project: ProjectInfo | null, appInfo: AppInfo | null, report: (err: unknown, context: string) => void): Guide {
  const api = useApi();
  const [asked, setAsked] = useState(false);
  const [closed, setClosed] = useState(false);
  const firstRun = project?.isSample === true && appInfo !== null && !appInfo.guideDismissed && !closed;

  const show = useCallback(() => setAsked(true), []);
  const close = useCallback(() => {
    setAsked(false);
    setClosed(true);
    api.call('app.dismissGuide', {}).catch((err: unknown) => report(err, 'Could not remember that the guide was closed'));
  }, [api, report]);

  return { open: project !== null && (asked || firstRun), show, close };
}
