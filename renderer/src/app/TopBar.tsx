import type { AppInfo, ProjectInfo } from '../../../shared/types.ts';

interface TopBarProps {
  project: ProjectInfo | null;
  appInfo: AppInfo | null;
  busy: string | null;
  onOpen(): void;
  onCreate(): void;
  onOpenSample(): void;
  /** Opens the first-run guide again. */
  onGuide(): void;
}

export function TopBar({ project, appInfo, busy, onOpen, onCreate, onOpenSample, onGuide }: TopBarProps) {
  return (
    <header className="top-bar">
      <div className="top-bar__brand" aria-label="Atrium">
        <svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">
          <circle cx="9" cy="9" r="7.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M9 1.5v15M1.5 9h15" stroke="currentColor" strokeWidth="1" opacity="0.6" />
        </svg>
        Atrium
      </div>
      <div className="top-bar__project" title={project?.path}>
        {project ? (
          <>
            <span className="top-bar__project-name" data-testid="project-name">
              {project.name}
            </span>
            {project.isSample && <span className="badge">Sample</span>}
            <span className="top-bar__project-path">{project.path}</span>
          </>
        ) : (
          <span className="top-bar__project-path">No project open</span>
        )}
      </div>
      <nav className="top-bar__actions" aria-label="Project">
        {busy && (
          <span className="busy" data-testid="busy" role="status">
            <span className="spinner" aria-hidden="true" />
            {busy}
          </span>
        )}
        <button type="button" className="button" data-testid="open-project" onClick={onOpen}>
          Open project…
        </button>
        <button type="button" className="button" data-testid="new-project" onClick={onCreate}>
          New project…
        </button>
        <button type="button" className="button" data-testid="open-sample" onClick={onOpenSample} disabled={project?.isSample}>
          Open sample
        </button>
        <button
          type="button"
          className="button"
          data-testid="guide-open"
          onClick={onGuide}
          disabled={!project}
          title="A short tour: scans, painting, training, review"
        >
          Guide
        </button>
        {appInfo && <span className="top-bar__version">v{appInfo.version}</span>}
      </nav>
    </header>
  );
}
