import type { LabelClass, SliceStates } from '../../../shared/types.ts';
import { labelIsKnown, labelWords } from './labelKnown.ts';
import { COMPARISON_LEGEND } from '../review/comparisonLut.ts';
import { formatIntensity } from '../scans/scanFormat.ts';
import type { Plane, ViewerLocation } from './viewTypes.ts';

interface LocationReadoutProps {
  location: ViewerLocation | null;
  classes: LabelClass[];
  /** Slice states of the shown scan (null while not loaded): a label is known only on an annotated slice. */
  slices: SliceStates | null;
  keyPlane: Plane | null;
}

/** The status line under the views: crosshair in voxels and mm, the intensity and label under it. */
export function LocationReadout({ location, classes, slices, keyPlane }: LocationReadoutProps) {
  const labelName = (value: number) => (value === 0 ? 'background' : (classes.find((c) => c.value === value)?.name ?? `label ${value}`));
  return (
    <div className="readout" data-testid="location" aria-live="off">
      <span className="readout__item">
        <span className="readout__key">Voxel</span>
        <span className="readout__value" data-testid="location-voxel">
          {location ? location.voxel.join(', ') : '–'}
        </span>
      </span>
      <span className="readout__item">
        <span className="readout__key">World</span>
        <span className="readout__value" data-testid="location-mm">
          {location ? `${location.mm.map((v) => v.toFixed(1)).join(', ')} mm` : '–'}
        </span>
      </span>
      <span className="readout__item">
        <span className="readout__key">Value</span>
        <span className="readout__value" data-testid="location-value">
          {location ? formatIntensity(location.value) : '–'}
        </span>
      </span>
      {location?.label != null && (
        <span className="readout__item">
          <span className="readout__key">Label</span>
          <span className="readout__value" data-testid="location-label">
            {labelWords(location.label, !slices || labelIsKnown(slices, location.voxel), labelName(location.label))}
          </span>
        </span>
      )}
      {location?.overlay && (
        <span className="readout__item">
          <span className="readout__key" data-testid="location-overlay-kind">
            {location.overlay.kind === 'prediction' ? 'Predicted' : location.overlay.kind === 'uncertainty' ? 'Uncertainty' : 'Runs'}
          </span>
          <span className="readout__value" data-testid="location-overlay">
            {location.overlay.kind === 'prediction'
              ? labelName(location.overlay.value)
              : location.overlay.kind === 'uncertainty'
                ? location.overlay.value.toPrecision(3)
                : (COMPARISON_LEGEND.find((c) => c.code === location.overlay!.value)?.name ?? 'both background')}
          </span>
        </span>
      )}
      <span className="readout__spacer" />
      <span className="readout__hint">{keyPlane ? `↑↓ wheel: ${keyPlane} slice · PgUp PgDn: 10` : 'Wheel: slice'} · Right-drag: window · ?: all shortcuts</span>
    </div>
  );
}
