import type { NextStep } from './nextStep.ts';
import './guide.css';

/** One line under the side panel's tabs saying what to do next, with a way to the tab where it is done. */
export function NextStepHint({ step, tab, onTab }: { step: NextStep; tab: string; onTab(tab: NextStep['tab']): void }) {
  return (
    <p className="next-step" data-testid="next-step-hint" data-hint={step.id} role="status">
      <span className="next-step__label">Next</span>
      <span className="next-step__text">{step.text}</span>
      {tab !== step.tab && (
        <button type="button" className="next-step__go" data-testid="next-step-go" onClick={() => onTab(step.tab)}>
          {TAB_TITLES[step.tab]} ›
        </button>
      )}
    </p>
  );
}

const TAB_TITLES: Record<NextStep['tab'], string> = { segment: 'Segment', train: 'Train', review: 'Review' };
