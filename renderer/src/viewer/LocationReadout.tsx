import type { LabelClass } from '../../../shared/types.ts';
import { formatIntensity } from '../scans/scanFormat.ts';
import type { Plane, ViewerLocation } from './viewTypes.ts';

interface LocationReadoutProps {
  location: ViewerLocation | null;
  classes: LabelClass[];
  keyPlane: Plane | null;
}

/** The status line under the views: crosshair in voxels and mm, the intensity and label under it. */
export function LocationReadout({ location, classes, keyPlane }: LocationReadoutProps) {
  const labelName = (value: number) =>
    value === 0 ? 'background' : (classes.find((c) => c.value === value)?.name ?? `label ${value}`);
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
            {labelName(location.label)}
            {location.label !== 0 && ` (${location.label})`}
          </span>
        </span>
      )}
      <span className="readout__spacer" />
      <span className="readout__hint">
        {keyPlane ? `↑↓ PgUp PgDn: ${keyPlane} slice` : 'Wheel: slice'} · Right-drag: window · ?: all shortcuts
      </span>
    </div>
  );
}
