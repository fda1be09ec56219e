import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ProjectInfo } from '../../../shared/types.ts';
import { guideSteps, type GuideStep } from './guideSteps.ts';
import { calloutPosition, type Box } from './calloutPosition.ts';
import './guide.css';

interface FirstRunGuideProps {
  project: ProjectInfo;
  /** Opens the side panel tab that holds a step's control. */
  onTab(tab: NonNullable<GuideStep['tab']>): void;
  onClose(): void;
}

/** How often the layout is measured again: panels scroll, tabs fill in and the window resizes while a step is shown. */
const MEASURE_MS = 200;

function measure(target: string): Box | null {
  const el = document.querySelector(`[data-testid="${target}"]`);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  // A control in a hidden tab has no box: the callout then stands alone rather than point at nothing.
  return r.width > 0 && r.height > 0 ? { left: r.left, top: r.top, width: r.width, height: r.height } : null;
}

/** Where the target is, and the sizes the callout is placed by. */
interface Layout {
  target: Box | null;
  size: { width: number; height: number };
  viewport: { width: number; height: number };
  /** Where the image starts, below the viewer's toolbars, which the callout leaves uncovered. */
  imageTop: number;
}

/**
 * The sample's guided first run: a callout beside the control each step is about, with that
 * control ringed. Nothing is blocked: the ring lets clicks through and the callout covers only
 * part of the image, so the user can try each step as it is read; it takes no keys, so the
 * shortcuts it teaches work while it is up.
 */
export function FirstRunGuide({ project, onTab, onClose }: FirstRunGuideProps) {
  const steps = useMemo(() => guideSteps(project), [project]);
  const [index, setIndex] = useState(0);
  const step = steps[index];
  const [layout, setLayout] = useState<Layout>({ target: null, size: { width: 0, height: 0 }, viewport: { width: 0, height: 0 }, imageTop: 0 });
  const calloutRef = useRef<HTMLElement>(null);

  // By the step's tab, not the step: the steps are rebuilt whenever the project changes, and the
  // user may have opened another tab since.
  const stepTab = step.tab;
  useEffect(() => {
    if (stepTab) onTab(stepTab);
  }, [stepTab, onTab]);

  const stepTarget = step.target;
  // Before paint, so the callout never shows a frame at a stale place.
  useLayoutEffect(() => {
    const update = () => {
      const el = calloutRef.current;
      const next: Layout = {
        target: measure(stepTarget),
        size: { width: el?.offsetWidth ?? 0, height: el?.offsetHeight ?? 0 },
        viewport: { width: window.innerWidth, height: window.innerHeight },
        imageTop: measure('viewer-canvas')?.top ?? 0,
      };
      setLayout((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
    };
    update();
    const timer = setInterval(update, MEASURE_MS);
    return () => clearInterval(timer);
  }, [stepTarget]);

  const { target } = layout;
  const place = calloutPosition(target, layout.size, layout.viewport, layout.imageTop);
  const last = index === steps.length - 1;
  return (
    <>
      {target && (
        <div
          className="guide-highlight"
          data-testid="guide-highlight"
          aria-hidden="true"
          style={{ left: target.left - 4, top: target.top - 4, width: target.width + 8, height: target.height + 8 }}
        />
      )}
      <section
        ref={calloutRef}
        className="guide-callout"
        role="dialog"
        aria-modal="false"
        aria-labelledby="guide-title"
        data-testid="guide"
        data-step={step.id}
        data-side={place.side}
        style={{ left: place.left, top: place.top }}
      >
        <header className="guide-callout__header">
          <h2 id="guide-title" className="guide-callout__title" data-testid="guide-title">
            {step.title}
          </h2>
          <span className="guide-callout__count" data-testid="guide-step-count">
            {index + 1} / {steps.length}
          </span>
        </header>
        <p className="guide-callout__text" data-testid="guide-text">
          {step.text}
        </p>
        <footer className="guide-callout__buttons">
          <button type="button" className="button button--small guide-callout__skip" data-testid="guide-skip" onClick={onClose}>
            Skip the guide
          </button>
          <button type="button" className="button button--small" data-testid="guide-back" disabled={index === 0} onClick={() => setIndex(index - 1)}>
            Back
          </button>
          <button
            type="button"
            className="button button--small button--primary"
            data-testid="guide-next"
            onClick={() => (last ? onClose() : setIndex(index + 1))}
          >
            {last ? 'Done' : 'Next'}
          </button>
        </footer>
      </section>
    </>
  );
}
