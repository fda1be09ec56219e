import { useCallback, useState } from 'react';
import { errorMessage } from '../api/errors.ts';

export interface AppError {
  id: number;
  message: string;
}

export interface ErrorLog {
  errors: AppError[];
  /** Shows an error in the banner; `context` says what was being done ("Could not import a.nii"). */
  report(err: unknown, context?: string): void;
  dismiss(id: number): void;
}

let nextId = 1;

/** Every failure the user should know about ends up here and stays until dismissed. */
export function useErrorLog(): ErrorLog {
  const [errors, setErrors] = useState<AppError[]>([]);
  const report = useCallback((err: unknown, context?: string) => {
    const detail = errorMessage(err);
    const message = context ? `${context}: ${detail}` : detail;
    console.error(message, err);
    setErrors((list) => {
      // the same message twice in a row (e.g. a retried call) is shown once
      if (list.length && list[list.length - 1].message === message) return list;
      return [...list, { id: nextId++, message }].slice(-5);
    });
  }, []);
  const dismiss = useCallback((id: number) => setErrors((list) => list.filter((e) => e.id !== id)), []);
  return { errors, report, dismiss };
}
