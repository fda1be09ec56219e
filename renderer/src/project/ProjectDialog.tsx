import { useState } from 'react';
import type { AppInfo } from '../../../shared/types.ts';
import { Dialog } from '../app/Dialog.tsx';
import { errorMessage } from '../api/errors.ts';
import './project.css';

export type ProjectDialogMode = 'open' | 'create';

interface ProjectDialogProps {
  mode: ProjectDialogMode;
  appInfo: AppInfo | null;
  currentPath: string | null;
  onCancel(): void;
  /** Opens or creates the project; a rejection is shown in the dialog, which stays open. */
  onConfirm(path: string): Promise<unknown>;
}

/** The separator the main process uses, guessed from a path it gave us. */
function separatorOf(path: string): string {
  return path.includes('\\') && !path.includes('/') ? '\\' : '/';
}

export function joinPath(folder: string, name: string): string {
  const sep = separatorOf(folder);
  return folder.endsWith(sep) ? folder + name : folder + sep + name;
}

/**
 * Asks for a project folder by path (browser mode has no native folder dialog). Opening lists the
 * recent projects; creating proposes a fresh name in the projects folder.
 */
export function ProjectDialog({ mode, appInfo, currentPath, onCancel, onConfirm }: ProjectDialogProps) {
  const home = appInfo?.projectsHome ?? '';
  const [path, setPath] = useState(() => (mode === 'create' ? joinPath(home, 'Untitled.atrium') : home ? joinPath(home, '') : ''));
  const [problem, setProblem] = useState<string | null>(null);
  const [working, setWorking] = useState(false);
  const recent = (appInfo?.recentProjects ?? []).filter((p) => p !== currentPath);

  const confirm = async (target: string) => {
    if (!target.trim()) return setProblem('Type the path of a project folder.');
    setWorking(true);
    setProblem(null);
    try {
      await onConfirm(target.trim());
    } catch (err) {
      setProblem(errorMessage(err));
      setWorking(false);
    }
  };

  const title = mode === 'create' ? 'New project' : 'Open project';
  return (
    <Dialog
      title={title}
      testId="project-dialog"
      onClose={onCancel}
      onSubmit={() => void confirm(path)}
      footer={
        <>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" data-testid="project-confirm" disabled={working}>
            {working ? (mode === 'create' ? 'Creating…' : 'Opening…') : mode === 'create' ? 'Create' : 'Open'}
          </button>
        </>
      }
    >
      <div className="field">
        <label className="field__label" htmlFor="project-path">
          {mode === 'create' ? 'New project folder' : 'Project folder'}
        </label>
        <input
          id="project-path"
          className="text-input"
          data-testid="project-path-input"
          value={path}
          autoFocus
          spellCheck={false}
          onChange={(e) => setPath(e.target.value)}
        />
        <div className="field__hint">
          {mode === 'create'
            ? 'A folder ending in .atrium is created to hold the database, scans, label maps and models. Relative paths start in the projects folder'
            : 'A folder ending in .atrium. Relative paths start in the projects folder'}
          {home ? (
            <>
              {' '}
              (<code>{home}</code>).
            </>
          ) : (
            '.'
          )}
        </div>
      </div>
      {problem && (
        <p className="form-problem" role="alert" data-testid="project-problem">
          {problem}
        </p>
      )}
      {mode === 'open' && recent.length > 0 && (
        <div className="field">
          <div className="field__label">Recent projects</div>
          <ul className="recent-list">
            {recent.map((p) => (
              <li key={p}>
                <button type="button" className="recent-list__item" disabled={working} onClick={() => void confirm(p)} title={p}>
                  <span className="recent-list__name">
                    {p
                      .split(/[\\/]/)
                      .filter(Boolean)
                      .pop()
                      ?.replace(/\.atrium$/, '')}
                  </span>
                  <span className="recent-list__path">{p}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Dialog>
  );
}
