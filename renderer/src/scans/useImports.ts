import { useCallback, useRef, useState } from 'react';
import { ApiError } from '../../../shared/api.ts';
import type { ScanInfo } from '../../../shared/types.ts';
import { useApi } from '../api/ApiProvider.tsx';
import type { ImportItem } from './niftiFiles.ts';

export interface PendingImport {
  key: number;
  label: string;
  stage: 'waiting' | 'reading' | 'importing';
}

let nextKey = 1;

/**
 * Imports files one after another (a 100 MB scan should not race ten others for memory), keeping a
 * visible entry per file until it is done; each failure is reported with the file's name.
 */
export function useImports(opts: { onImported(info: ScanInfo): void; report(err: unknown, context: string): void }) {
  const api = useApi();
  const [pending, setPending] = useState<PendingImport[]>([]);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const optsRef = useRef(opts);
  optsRef.current = opts;

  const importFiles = useCallback(
    (items: ImportItem[]) => {
      for (const item of items) {
        const key = nextKey++;
        const label = item.labels ? `${item.scan.name} with ${item.labels.name}` : item.scan.name;
        const setStage = (stage: PendingImport['stage']) => setPending((list) => list.map((p) => (p.key === key ? { ...p, stage } : p)));
        setPending((list) => [...list, { key, label, stage: 'waiting' }]);
        queue.current = queue.current.then(async () => {
          try {
            setStage('reading');
            const scan = await item.scan.arrayBuffer();
            const labels = item.labels ? await item.labels.arrayBuffer() : undefined;
            setStage('importing');
            const info = await api.call('scans.import', {
              scan,
              scanFileName: item.scan.name,
              ...(item.labels && labels ? { labels, labelsFileName: item.labels.name } : {}),
            });
            optsRef.current.onImported(info);
          } catch (err) {
            optsRef.current.report(withoutFileName(err, item.scan.name), `Could not import ${label}`);
          } finally {
            setPending((list) => list.filter((p) => p.key !== key));
          }
        });
      }
    },
    [api],
  );

  return { pending, importFiles };
}

/** The server names the file in its message ("a.nii: truncated …"); the context already does. */
function withoutFileName(err: unknown, fileName: string): unknown {
  const prefix = `${fileName}: `;
  if (err instanceof ApiError && err.message.startsWith(prefix)) return new ApiError(err.code, err.message.slice(prefix.length));
  return err;
}
