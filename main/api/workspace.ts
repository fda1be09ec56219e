import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_DISPLAY, displaySettingsOf, type DisplaySettings } from '../../shared/display.ts';
import type { AppInfo, Axis, LabelClass, ProjectInfo } from '../../shared/types.ts';
import { ApiError } from '../../shared/api.ts';
import { ProjectStore } from '../store/projectStore.ts';
import { writeFileAtomic } from '../io/atomicWrite.ts';
import { importScan } from './scanImport.ts';

export interface WorkspaceOptions {
  /** Folder for the app's own settings and the default place for projects (ATRIUM_HOME). */
  home: string;
  /** Folder holding the bundled sample data and its manifest.json. */
  sampleDir: string;
  shell: AppInfo['shell'];
  version: string;
}

interface SampleManifest {
  project: string;
  classes: LabelClass[];
  scans: { scan: string; labels?: string; name: string; annotatedSlices?: { axis: Axis; slices: number[] } }[];
}

/** The home's settings.json: what the app remembers across restarts (browser mode's random port leaves localStorage behind each time). */
interface Settings {
  recentProjects: string[];
  /** Whether the first-run guide of the sample was finished or skipped. */
  guideDismissed: boolean;
  display: DisplaySettings;
}

const MAX_RECENT = 10;

/** The app-level state behind the API: which project is open, recent projects, the sample. */
export class Workspace {
  private project: ProjectStore | null = null;
  private readonly startupProblems: string[] = [];

  constructor(readonly options: WorkspaceOptions) {
    mkdirSync(options.home, { recursive: true });
  }

  get current(): ProjectStore | null {
    return this.project;
  }

  requireProject(): ProjectStore {
    if (!this.project) throw new ApiError('conflict', 'no project is open');
    return this.project;
  }

  info(): AppInfo {
    return {
      version: this.options.version,
      shell: this.options.shell,
      projectsHome: this.options.home,
      recentProjects: this.settings().recentProjects,
      startupProblems: [...this.startupProblems],
      guideDismissed: this.settings().guideDismissed,
      display: this.settings().display,
    };
  }

  /** The first-run guide is not shown again on its own, in this window or after a restart. */
  dismissGuide(): AppInfo {
    this.saveSettings({ ...this.settings(), guideDismissed: true });
    return this.info();
  }

  /** Remembers how the views are shown, for this window and after a restart. */
  setDisplay(display: DisplaySettings): AppInfo {
    this.saveSettings({ ...this.settings(), display: displaySettingsOf(display) });
    return this.info();
  }

  /**
   * Reopens the most recent project that still exists, else the sample project. A recent project
   * that exists but cannot be opened (damaged database, newer schema…) is skipped, and why is
   * kept for app.info, so the user learns that their project was not opened and what to do.
   */
  openStartupProject(): ProjectInfo {
    // A folder that is gone was moved or deleted on purpose; one still there is tried even without its database, which says what is wrong.
    for (const path of this.settings().recentProjects) {
      if (existsSync(path)) {
        try {
          return this.open(path);
        } catch (err) {
          this.startupProblems.push(`${path} could not be opened: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    return this.openSample();
  }

  open(path: string): ProjectInfo {
    return this.switchTo(ProjectStore.open(resolve(this.options.home, path)));
  }

  create(path: string): ProjectInfo {
    return this.switchTo(ProjectStore.create(resolve(this.options.home, path)));
  }

  get samplePath(): string {
    return join(this.options.home, `${this.sampleManifest().project}.atrium`);
  }

  /** Opens the sample project, building it from the bundled scans on first use through the normal import path. */
  openSample(): ProjectInfo {
    const path = this.samplePath;
    if (existsSync(join(path, 'atrium.sqlite'))) return this.open(path);
    const manifest = this.sampleManifest();
    const store = ProjectStore.create(path);
    try {
      store.addClasses(manifest.classes);
      for (const v of manifest.scans) {
        importScan(store, {
          scan: readFileSync(join(this.options.sampleDir, v.scan)),
          scanFileName: v.scan,
          labels: v.labels ? readFileSync(join(this.options.sampleDir, v.labels)) : undefined,
          labelsFileName: v.labels,
          name: v.name,
          annotatedSlices: v.annotatedSlices,
        });
      }
    } catch (err) {
      store.close();
      rmSync(path, { recursive: true, force: true });
      throw err;
    }
    return this.switchTo(store);
  }

  describe(): ProjectInfo | null {
    const p = this.project;
    if (!p) return null;
    return {
      path: p.folder,
      name: p.name,
      schemaVersion: p.schemaVersion,
      isSample: p.folder === this.samplePath,
      scans: p.scans(),
      classes: p.classes(),
      runs: p.runs(),
      currentModelRunId: p.currentModelRun() ?? null,
    };
  }

  close(): void {
    this.project?.close();
    this.project = null;
  }

  private switchTo(store: ProjectStore): ProjectInfo {
    this.close();
    store.failAbandonedRuns();
    this.project = store;
    this.remember(store.folder);
    return this.describe() as ProjectInfo;
  }

  private sampleManifest(): SampleManifest {
    return JSON.parse(readFileSync(join(this.options.sampleDir, 'manifest.json'), 'utf8')) as SampleManifest;
  }

  private settingsFile(): string {
    return join(this.options.home, 'settings.json');
  }

  private settings(): Settings {
    try {
      const parsed = JSON.parse(readFileSync(this.settingsFile(), 'utf8')) as Partial<Settings>;
      return {
        recentProjects: Array.isArray(parsed.recentProjects) ? parsed.recentProjects.filter((p) => typeof p === 'string') : [],
        guideDismissed: parsed.guideDismissed === true,
        display: displaySettingsOf(parsed.display),
      };
    } catch {
      return { recentProjects: [], guideDismissed: false, display: { ...DEFAULT_DISPLAY } };
    }
  }

  private saveSettings(settings: Settings): void {
    writeFileAtomic(this.settingsFile(), new TextEncoder().encode(JSON.stringify(settings, null, 2)));
  }

  private remember(folder: string): void {
    const settings = this.settings();
    this.saveSettings({ ...settings, recentProjects: [folder, ...settings.recentProjects.filter((p) => p !== folder)].slice(0, MAX_RECENT) });
  }
}
