import type { TrainPreflight } from '../../../shared/types.ts';
import { planLines } from './preflightText.ts';

interface PreflightViewProps {
  answer: TrainPreflight;
  method: { label: string; usesUnlabeled: boolean };
  onStart(): void;
  onBack(): void;
  disabled: boolean;
}

/** What the run will use and cost, measured by the preflight, or why it cannot start; then Start or Back. */
export function PreflightView({ answer, method, onStart, onBack, disabled }: PreflightViewProps) {
  const { plan, problems } = answer;
  return (
    <div className="preflight" data-testid="preflight" data-ok={plan !== null}>
      {plan ? (
        <dl className="preflight__plan">
          {planLines(plan, method).map((line) => (
            <div key={line.label} className="preflight__line" data-testid="preflight-line" data-label={line.label}>
              <dt>{line.label}</dt>
              <dd>{line.text}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <ul className="form-problem" data-testid="preflight-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {plan && plan.warnings.length > 0 && (
        <ul className="preflight__warnings" data-testid="preflight-warnings">
          {plan.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <div className="button-row">
        <button type="button" className="button button--small" data-testid="preflight-back" onClick={onBack}>
          Back
        </button>
        <button type="button" className="button button--primary button--small" data-testid="preflight-start" disabled={disabled || !plan} onClick={onStart}>
          Start training
        </button>
      </div>
    </div>
  );
}
