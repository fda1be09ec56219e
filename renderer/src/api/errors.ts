import { ApiError } from '../../../shared/api.ts';

/** A message for the user from anything thrown by a call: API errors carry one, network failures get one. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'unauthorized') return `${err.message}: reopen Atrium from the address the server printed`;
    return err.message;
  }
  if (err instanceof TypeError && /fetch|network/i.test(err.message)) {
    return 'Cannot reach the Atrium server: is it still running?';
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
