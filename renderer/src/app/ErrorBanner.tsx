import type { AppError } from './useErrorLog.ts';

/** Errors stacked under the top bar, each dismissable; nothing the user should know is swallowed. */
export function ErrorBanner({ errors, onDismiss }: { errors: AppError[]; onDismiss(id: number): void }) {
  if (errors.length === 0) return null;
  return (
    <div className="error-banner" data-testid="error-banner" role="alert" aria-live="assertive">
      {errors.map((e) => (
        <div className="error-banner__item" key={e.id}>
          <span className="error-banner__icon" aria-hidden="true">
            !
          </span>
          <span className="error-banner__message" data-testid="error-message">
            {e.message}
          </span>
          <button type="button" className="icon-button" aria-label="Dismiss error" title="Dismiss" data-testid="error-dismiss" onClick={() => onDismiss(e.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
