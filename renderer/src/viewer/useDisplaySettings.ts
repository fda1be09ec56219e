import { useCallback, useState } from 'react';
import { DEFAULT_DISPLAY, type DisplaySettings } from '../../../shared/display.ts';
import type { AppInfo } from '../../../shared/types.ts';
import { useApi } from '../api/ApiProvider.tsx';

export interface DisplayPreference {
  settings: DisplaySettings;
  change(settings: DisplaySettings): void;
}

/**
 * How the views are shown: the app's remembered settings (AppInfo.display; browser mode's page
 * storage does not outlive a restart), and a change applies at once and is remembered.
 */
export function useDisplaySettings(appInfo: AppInfo | null, report: (err: unknown, context: string) => void): DisplayPreference {
  const api = useApi();
  const [chosen, setChosen] = useState<DisplaySettings | null>(null);
  const change = useCallback(
    (settings: DisplaySettings) => {
      setChosen(settings);
      api.call('app.setDisplay', settings).catch((err: unknown) => report(err, 'Could not remember the display setting'));
    },
    [api, report],
  );
  return { settings: chosen ?? appInfo?.display ?? DEFAULT_DISPLAY, change };
}
