import { useMemo, useState } from 'react';
import { MEASURED_SETTING, type MethodName } from '../../../shared/methods.ts';
import { MODEL_CHOICES, type ModelChoice } from '../../../shared/networks.ts';
import type { ProjectInfo, RunInfo, TrainPreflight } from '../../../shared/types.ts';
import { validationText } from '../../../shared/trainingFigures.ts';
import { DEFAULT_TIME_BUDGET_MINUTES, TRAIN_PARAMETER_RANGES, type RangedTrainParameter } from '../../../shared/training.ts';
import { MethodOptions } from './MethodOptions.tsx';
import { PreflightView } from './PreflightView.tsx';
import { LearningCurves, ProgressBar } from './ProgressView.tsx';
import { RunsList } from './RunsList.tsx';
import { proposeMethod } from '../../../shared/methodProposal.ts';
import { annotatedSliceCount, buildTrainRequest, defaultOptions, initialForm, paintedSliceCount, type TrainForm, type TrainRequest } from './trainDefaults.ts';
import type { TrainingState } from './useTraining.ts';

interface TrainPanelProps {
  project: ProjectInfo | null;
  training: TrainingState;
  report(err: unknown, context: string): void;
}

interface NumberField {
  key: RangedTrainParameter;
  label: string;
  hint: string;
  step: string;
  placeholder: string;
}

/** The user's knob, shown beside Train. */
const BUDGET_FIELD: NumberField = {
  key: 'maxMinutes',
  label: 'Time budget (min)',
  step: 'any',
  placeholder: String(DEFAULT_TIME_BUDGET_MINUTES),
  hint: `The run measures its pace on this machine and plans as many iterations as fit, so that its schedules complete; empty: ${DEFAULT_TIME_BUDGET_MINUTES} min (no limit when iterations are given)`,
};

const MODEL_LABELS: Record<ModelChoice, string> = { auto: 'auto (from the data)', unet2d: '2D U-Net', vnet3d: '3D V-Net' };

const NUMBER_FIELDS: NumberField[] = [
  { key: 'iterations', label: 'Iterations', hint: 'empty: planned from the time budget', step: '1', placeholder: 'auto' },
  { key: 'batchSize', label: 'Batch size', hint: "empty: the method's default", step: '1', placeholder: 'auto' },
  { key: 'width', label: 'Width', hint: 'channels of the first layer; empty: default', step: '1', placeholder: 'auto' },
];

/**
 * The Train section: one button with defaults chosen from the project, an Advanced disclosure
 * with every method and option, the running job's progress and learning curves, and the runs.
 */
export function TrainPanel({ project, training, report }: TrainPanelProps) {
  const { methods, active, ended } = training;
  // Until the user changes something, the form follows the project (a first painted slice, a new scan).
  const [edited, setEdited] = useState<TrainForm | null>(null);
  const [starting, setStarting] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [checked, setChecked] = useState<{ request: TrainRequest; answer: TrainPreflight } | null>(null);
  const proposal = useMemo(() => (project ? proposeMethod(project.scans) : null), [project]);
  const form = useMemo(() => edited ?? (methods ? initialForm(methods) : null), [edited, methods]);
  if (!project || !methods || !form) {
    return <p className="empty-note train-panel__empty">{project ? 'Loading the training methods…' : 'Open a project to train.'}</p>;
  }
  const spec = methods.find((m) => m.name === form.method)!;
  const built = buildTrainRequest(project, methods, form);
  const busy = active !== null || starting || checking;
  const update = (patch: Partial<TrainForm>) => {
    setEdited({ ...form, ...patch });
    setRefused(null);
    setChecked(null);
  };

  const check = async (request: TrainRequest) => {
    setChecking(true);
    setRefused(null);
    try {
      setChecked({ request, answer: await training.preflight(request) });
    } catch (err) {
      report(err, 'Could not check the run');
    } finally {
      setChecking(false);
    }
  };

  const start = async (request: TrainRequest) => {
    setChecked(null);
    setStarting(true);
    setRefused(null);
    try {
      await training.train(request);
    } catch (err) {
      setRefused(err instanceof Error ? err.message : String(err));
      report(err, 'Training was refused');
    } finally {
      setStarting(false);
    }
  };
  const makeCurrent = async (run: RunInfo) => {
    try {
      await training.makeCurrent(run.id);
    } catch (err) {
      report(err, 'Could not switch the model');
    }
  };
  // The API's defaults for method and model would replace the run's own: send them as they were.
  const resume = (run: RunInfo) => {
    const model = MODEL_CHOICES.find((m) => m === run.model) ?? 'auto';
    void start({ resume: run.id, method: run.method as MethodName, model });
  };

  const annotated = annotatedSliceCount(project);
  const painted = paintedSliceCount(project);
  const predictedIteration = project.runs.find((r) => r.id === training.predictionRunId)?.predictedIteration;
  const endedRun = ended ? project.runs.find((r) => r.id === ended.runId) : undefined;
  return (
    <div className="train-panel" data-testid="train-panel">
      <section className="side-section" aria-label="Train">
        <div className="side-section__header">
          <h3 className="panel-header__title">Train</h3>
          <span
            className="train-panel__summary"
            data-testid="train-summary"
            title={`${spec.label} · ${form.model === 'auto' ? 'model auto' : form.model} · ${annotated} annotated slice${annotated === 1 ? '' : 's'}`}
          >
            {spec.label} · {form.model === 'auto' ? 'model auto' : form.model} · {annotated} annotated slice{annotated === 1 ? '' : 's'}
          </span>
        </div>
        {painted > 0 && (
          <p className="train-panel__painted" data-testid="train-painted">
            {painted} painted slice{painted === 1 ? ' is' : 's are'} not confirmed and will not be used: mark each complete (Enter in Segment) once every
            structure on it is drawn.
          </p>
        )}
        {proposal?.reason && form.method !== proposal.method && (
          <div className="train-panel__proposal" data-testid="train-proposal">
            <p>{proposal.reason}.</p>
            <button
              type="button"
              className="button"
              data-testid="train-use-proposal"
              disabled={busy}
              onClick={() => update({ method: proposal.method, options: defaultOptions(methods, proposal.method, form.model) })}
            >
              Use {methods.find((m) => m.name === proposal.method)?.label ?? proposal.method}
            </button>
          </div>
        )}
        <div className="train-fields train-panel__budget">
          <NumberInput field={BUDGET_FIELD} value={form.maxMinutes} disabled={busy} onChange={(value) => update({ maxMinutes: value })} />
          <label
            className="train-panel__continue"
            title={
              project.currentModelRunId
                ? 'Fine-tune the current model with the annotations as they are now, instead of training a new one from scratch'
                : 'No model yet: the first run starts from scratch'
            }
          >
            <input
              type="checkbox"
              data-testid="train-continue"
              checked={form.continueFromCurrent && project.currentModelRunId !== null}
              disabled={busy || project.currentModelRunId === null}
              onChange={(e) => update({ continueFromCurrent: e.target.checked })}
            />
            <span>Continue from the current model</span>
          </label>
        </div>
        <button
          type="button"
          className="button button--primary train-panel__start"
          data-testid="train-start"
          disabled={busy || built.request === null || checked !== null}
          title="Checks what the run will use and cost, then asks to start"
          onClick={() => built.request && void check(built.request)}
        >
          {checking ? 'Checking…' : starting ? 'Starting…' : 'Train'}
        </button>
        {built.problems.length > 0 && (
          <ul className="form-problem train-panel__problems" data-testid="train-problems">
            {built.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {refused && (
          <p className="form-problem" data-testid="train-refused">
            {refused}
          </p>
        )}
        {checked && (
          <PreflightView answer={checked.answer} method={spec} onStart={() => void start(checked.request)} onBack={() => setChecked(null)} disabled={busy} />
        )}
        <details className="train-advanced" data-testid="train-advanced">
          <summary>Advanced</summary>
          <fieldset className="train-methods" disabled={busy}>
            <legend className="train-advanced__legend">Method</legend>
            <p className="train-methods__setting" data-testid="measured-setting">
              {MEASURED_SETTING}
            </p>
            {methods.map((m) => (
              <label key={m.name} className="train-method" data-testid="method-choice" data-method={m.name}>
                <input
                  type="radio"
                  name="train-method"
                  value={m.name}
                  checked={form.method === m.name}
                  onChange={() => update({ method: m.name, options: defaultOptions(methods, m.name, form.model) })}
                />
                <span>
                  <span className="train-method__label">{m.label}</span>
                  <span className="train-method__description">{m.description}</span>
                  <span className="train-method__measured" data-testid="method-measured">
                    {m.measured}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          <div className="train-fields">
            <label className="train-field">
              <span>Model</span>
              <select
                className="text-input"
                data-testid="train-model"
                value={form.model}
                disabled={busy}
                onChange={(e) => {
                  const model = e.target.value as ModelChoice;
                  update({ model, options: defaultOptions(methods, form.method, model) });
                }}
              >
                {MODEL_CHOICES.map((m) => (
                  <option key={m} value={m}>
                    {MODEL_LABELS[m]}
                  </option>
                ))}
              </select>
            </label>
            {NUMBER_FIELDS.map((f) => (
              <NumberInput key={f.key} field={f} value={form[f.key]} disabled={busy} onChange={(value) => update({ [f.key]: value })} />
            ))}
          </div>
          <div className="train-advanced__legend">{spec.label} options</div>
          <MethodOptions
            spec={spec}
            model={form.model}
            values={form.options}
            disabled={busy}
            onChange={(key, value) => update({ options: { ...form.options, [key]: value } })}
          />
          {edited && (
            <button type="button" className="button button--small" data-testid="train-reset" disabled={busy} onClick={() => setEdited(null)}>
              Back to the defaults
            </button>
          )}
        </details>
      </section>

      {active && (
        <section className="side-section" aria-label="Progress" data-testid="train-running" data-kind={active.kind} data-run-id={active.runId}>
          <ProgressBar label={active.kind === 'train' ? 'Training' : 'Predicting every scan'} progress={active.progress} backend={active.backend} />
          {active.kind === 'train' && (
            <div className="button-row">
              <button
                type="button"
                className="button button--small"
                data-testid="train-cancel"
                disabled={active.cancelling}
                onClick={() => void training.cancel()}
              >
                {active.cancelling ? 'Cancelling…' : 'Cancel (keeps the model so far)'}
              </button>
              <button
                type="button"
                className="button button--small"
                data-testid="train-snapshot"
                disabled={active.cancelling || training.snapshotPending || (active.progress?.step ?? 0) === 0}
                title="Predict every scan with the model as it is now; training goes on"
                onClick={() => void training.predictSoFar()}
              >
                {training.snapshotPending ? 'Predicting…' : 'Predict with the model so far'}
              </button>
            </div>
          )}
          {active.kind === 'predict' && (
            <button
              type="button"
              className="button button--small"
              data-testid="predict-cancel"
              disabled={active.cancelling}
              onClick={() => void training.cancel()}
            >
              {active.cancelling ? 'Stopping…' : 'Stop predicting (keeps the scans done)'}
            </button>
          )}
          {active.kind === 'train' && <LearningCurves series={active.series} />}
        </section>
      )}

      {ended && active?.kind !== 'train' && (
        <section className="side-section" aria-label="Last run" data-testid="train-ended" data-status={ended.status} data-run-id={ended.runId}>
          <p className={ended.status === 'failed' ? 'form-problem' : 'train-ended__note'} data-testid="train-ended-message">
            {ended.status === 'finished'
              ? `Finished${endedRun?.valDice != null ? ` · ${validationText(endedRun.valDice, endedRun.validation)}` : ''}.`
              : ended.status === 'cancelled'
                ? 'Cancelled: the model so far is kept.'
                : `Failed: ${ended.error ?? 'the job stopped'}`}
          </p>
          {ended.status !== 'finished' && endedRun && (
            <button type="button" className="button button--small" data-testid="train-resume" disabled={busy} onClick={() => resume(endedRun)}>
              Resume
            </button>
          )}
          {ended.series.step.length > 0 && <LearningCurves series={ended.series} />}
        </section>
      )}

      {training.predictionRunId && (
        <section className="side-section" aria-label="Prediction" data-testid="prediction-ready" data-run-id={training.predictionRunId}>
          <p className="train-ended__note" data-testid="prediction-message">
            {predictedIteration === null || predictedIteration === undefined
              ? `Every scan is predicted with run ${training.predictionRunId.slice(0, 6)}.`
              : `Every scan is predicted with run ${training.predictionRunId.slice(0, 6)} as it was at iteration ${predictedIteration}.`}
          </p>
        </section>
      )}

      <RunsList
        runs={project.runs}
        methods={methods}
        busyRunId={active?.runId ?? null}
        live={active}
        currentModelRunId={project.currentModelRunId}
        onResume={resume}
        onMakeCurrent={(run) => void makeCurrent(run)}
        disabled={busy}
      />
    </div>
  );
}

function NumberInput({ field, value, disabled, onChange }: { field: NumberField; value: string; disabled: boolean; onChange(value: string): void }) {
  return (
    <label className="train-field" title={field.hint}>
      <span>{field.label}</span>
      <input
        className="num-input"
        type="number"
        step={field.step}
        min={TRAIN_PARAMETER_RANGES[field.key].min}
        max={TRAIN_PARAMETER_RANGES[field.key].max}
        placeholder={field.placeholder}
        data-testid={`train-${field.key}`}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
