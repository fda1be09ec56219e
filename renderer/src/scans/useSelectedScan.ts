import { useCallback, useEffect, useState } from 'react';
import type { ProjectInfo } from '../../../shared/types.ts';

const keyFor = (projectPath: string) => `atrium.selectedScan:${projectPath}`;

function remembered(projectPath: string): string | null {
  try {
    return localStorage.getItem(keyFor(projectPath));
  } catch {
    return null;
  }
}

/**
 * The selected scan of the open project: remembered per project across reloads, falling back to
 * the first scan when the remembered one is gone (removed, or another project opened).
 */
export function useSelectedScan(project: ProjectInfo | null): [string | null, (id: string) => void] {
  const [selected, setSelected] = useState<string | null>(null);
  const scans = project?.scans;
  const path = project?.path ?? null;

  useEffect(() => {
    if (!path || !scans) {
      setSelected(null);
      return;
    }
    setSelected((current) => {
      const ids = scans.map((v) => v.id);
      if (current && ids.includes(current)) return current;
      const stored = remembered(path);
      if (stored && ids.includes(stored)) return stored;
      return ids[0] ?? null;
    });
  }, [path, scans]);

  const select = useCallback(
    (id: string) => {
      setSelected(id);
      if (path) {
        try {
          localStorage.setItem(keyFor(path), id);
        } catch {
          // storage may be disabled; the selection then lasts until the reload
        }
      }
    },
    [path],
  );
  return [selected, select];
}
