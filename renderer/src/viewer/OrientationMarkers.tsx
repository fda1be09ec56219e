import type { DisplayConvention } from '../../../shared/display.ts';
import { edgeMarkers } from './displaySettings.ts';
import type { ViewTile } from './ViewerController.ts';

const NAMES: Record<string, string> = { L: 'left', R: 'right', A: 'anterior', P: 'posterior', S: 'superior', I: 'inferior' };

/**
 * The patient's directions at the edges of each plane's view: L/R, A/P, S/I, drawn over the
 * canvas where NiiVue's own letters would be a few pixels high. They follow the convention, so
 * that a radiological view says so at a glance.
 */
export function OrientationMarkers({ tiles, convention }: { tiles: ViewTile[]; convention: DisplayConvention }) {
  return (
    <div className="orientation-markers" aria-hidden="true" data-testid="orientation-markers">
      {tiles.map((tile, n) => {
        const markers = edgeMarkers(tile.plane, convention);
        const middleX = tile.left + tile.width / 2;
        const middleY = tile.top + tile.height / 2;
        const at = {
          left: { left: tile.left, top: middleY },
          right: { left: tile.left + tile.width, top: middleY },
          top: { left: middleX, top: tile.top },
          bottom: { left: middleX, top: tile.top + tile.height },
        } as const;
        return (Object.keys(at) as (keyof typeof at)[]).map((edge) => (
          <span
            key={`${n}-${edge}`}
            className={`orientation-marker orientation-marker--${edge}`}
            style={at[edge]}
            title={NAMES[markers[edge]]}
            data-testid={`marker-${tile.plane}-${edge}`}
          >
            {markers[edge]}
          </span>
        ));
      })}
    </div>
  );
}
