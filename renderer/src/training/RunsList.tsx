import type { MethodSpec } from '../../../shared/methods.ts';
import type { RunInfo } from '../../../shared/types.ts';
import { FIGURES_HELP, probeText, validationText } from '../../../shared/trainingFigures.ts';
import { formatDuration, formatEta, runDurationSeconds } from './formatTime.ts';
import type { ActiveJob } from './useTraining.ts';

interface RunsListProps {
  runs: RunInfo[];
  methods: readonly MethodSpec[] | null;
  /** The run being trained or predicted now: not resumable. */
  busyRunId: string | null;
  /** The job this window follows: its progress and backend are newer than the stored row while the run trains. */
  live: Pick<ActiveJob, 'runId' | 'kind' | 'progress' | 'backend'> | null;
  /** The run whose model is the project's current one. */
  currentModelRunId: string | null;
  onResume(run: RunInfo): void;
  /** Makes the run's model the current one (a rollback to an earlier model). */
  onMakeCurrent(run: RunInfo): void;
  disabled: boolean;
}

/**
 * The project's training runs, newest first, with what each one reached and how much was
 * annotated when it started; the current model is marked, and any other run with a model can
 * become the current one.
 */
export function RunsList({ runs, methods, busyRunId, live, currentModelRunId, onResume, onMakeCurrent, disabled }: RunsListProps) {
  // The stored row of a training run lags behind its job (it is written, not pushed): show the job's.
  const training = live?.kind === 'train' ? live : null;
  const ordered = [...runs]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((run) =>
      training?.runId === run.id
        ? { ...run, status: 'running' as const, iterations: training.progress?.step ?? run.iterations, backend: training.backend ?? run.backend }
        : run,
    );
  return (
    <section className="side-section" aria-label="Runs" data-testid="runs-list">
      <div className="side-section__header">
        <h3 className="panel-header__title">
          Runs <span className="count">{runs.length}</span>
        </h3>
      </div>
      {ordered.length === 0 && <p className="empty-note">No runs yet.</p>}
      <ul className="runs">
        {ordered.map((run) => {
          const seconds = runDurationSeconds(run);
          const label = methods?.find((m) => m.name === run.method)?.label ?? run.method;
          return (
            <li key={run.id} className="run" data-testid="run-row" data-run-id={run.id} data-status={run.status} data-current={run.id === currentModelRunId}>
              <div className="run__line">
                <span className="run__method">
                  {label}
                  {run.id === currentModelRunId && (
                    <span className="run__current" data-testid="run-current" title="Predictions use this model">
                      current model
                    </span>
                  )}
                </span>
                <span className={`run__status run__status--${run.status}`} data-testid="run-status">
                  {run.status}
                </span>
              </div>
              <div className="run__line run__meta">
                <span title={run.createdAt}>{new Date(run.createdAt).toLocaleString()}</span>
                {seconds !== null && <span data-testid="run-duration">{formatDuration(seconds)}</span>}
              </div>
              <div className="run__line run__meta">
                <span>
                  {run.model} · {run.backend || 'backend ?'} ·{' '}
                  {training?.runId === run.id ? (
                    <span data-testid="run-live" data-step={training.progress?.step ?? 0}>
                      {training.progress
                        ? `${training.progress.step}/${training.progress.steps} it. · ${formatEta(training.progress.etaSeconds)}`
                        : 'starting…'}
                    </span>
                  ) : (
                    `${run.iterations} it.`
                  )}
                  {run.annotatedSlices !== null && <span data-testid="run-annotated"> · {run.annotatedSlices} annotated</span>}
                </span>
                <span data-testid="run-dice" title={FIGURES_HELP}>
                  {run.valDice === null ? 'Dice –' : validationText(run.valDice, run.validation)}
                </span>
              </div>
              <div className="run__line run__meta" data-testid="run-probe">
                {probeText(run.probe)}
              </div>
              <div className="run__line run__meta run__warnings" data-testid="run-warnings">
                {run.warnings.join(' · ')}
              </div>
              {run.error && (
                <div className="run__line run__meta run__warnings" data-testid="run-error">
                  Failed: {run.error}
                </div>
              )}
              <div className="button-row">
                {(run.status === 'cancelled' || run.status === 'failed') && run.id !== busyRunId && (
                  <button type="button" className="button button--small" data-testid="run-resume" disabled={disabled} onClick={() => onResume(run)}>
                    Resume
                  </button>
                )}
                {run.hasModel && run.id !== currentModelRunId && run.id !== busyRunId && (
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="run-make-current"
                    disabled={disabled}
                    title="Roll back (or forward) to this run's model: predictions use it until a newer run finishes"
                    onClick={() => onMakeCurrent(run)}
                  >
                    Use this model
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
