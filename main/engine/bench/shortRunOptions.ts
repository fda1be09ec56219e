import type { MethodName, OptionValue } from '../../../shared/methods.ts';

/**
 * Method options for runs of 100–200 iterations (the integration test and the methods bench),
 * each within its range in shared/methods.ts. The defaults (consistency weight 0.1, ramps over
 * the whole run, EMA decay 0.99) are the papers' for runs of thousands of iterations: in so
 * few the unsupervised term would barely start, and a 0.99 teacher would lag ~100 steps behind
 * its student. Measured on CONTRAST_CONTINUUM_TASK (multiScanPhantom.ts): with
 * the consistency weight at 0, Mean Teacher lost 0.18–0.49 Dice, so the term matters. UA-MT
 * takes 4 teacher passes instead of 8, for time. Methods not named keep their defaults.
 */
export const SHORT_RUN_OPTIONS: Partial<Record<MethodName, Record<string, OptionValue>>> = {
  'mean-teacher': { consistencyWeight: 3, rampFraction: 0.3, emaDecay: 0.95 },
  'ua-mt': { consistencyWeight: 3, rampFraction: 0.3, emaDecay: 0.95, passes: 4 },
  cps: { consistencyWeight: 1, rampFraction: 0.3 },
  caml: { rampFraction: 0.3 },
  contrastive: { contrastiveWeight: 1 },
};
