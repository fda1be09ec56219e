import { UNCERTAINTY_FLOOR, type ViewerController } from '../viewer/ViewerController.ts';

const TICKS = [UNCERTAINTY_FLOOR, 0.25, 0.5, 0.75, 1];

/**
 * The colour bar of the uncertainty overlay, with its scale: the normalised entropy of the
 * prediction at each voxel, 0 where one class is certain, 1 where all are equally likely. Below
 * UNCERTAINTY_FLOOR nothing is drawn, so the bar starts there.
 */
export function UncertaintyBar({ controller }: { controller: Pick<ViewerController, 'uncertaintyColours'> }) {
  const colours = controller.uncertaintyColours();
  const position = (v: number) => `${((v - UNCERTAINTY_FLOOR) / (1 - UNCERTAINTY_FLOOR)) * 100}%`;
  return (
    <figure
      className="colour-bar"
      data-testid="uncertainty-bar"
      aria-label={`Uncertainty colour scale, ${UNCERTAINTY_FLOOR} to 1`}
      title="Normalised entropy of the prediction: 0 where one class is certain, 1 where every class is equally likely. Below 0.05 the image shows through."
    >
      <figcaption className="colour-bar__title">Uncertainty</figcaption>
      <div className="colour-bar__ramp" style={{ background: `linear-gradient(to right, ${colours.join(', ')})` }} />
      <div className="colour-bar__ticks">
        {TICKS.map((t) => (
          <span key={t} className="colour-bar__tick" style={{ left: position(t) }}>
            {t}
          </span>
        ))}
      </div>
    </figure>
  );
}
