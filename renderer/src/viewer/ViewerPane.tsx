import type { ReactNode } from 'react';
import type { LabelClass, ScanInfo, SliceStates } from '../../../shared/types.ts';
import { DisplayControls } from './DisplayControls.tsx';
import { LabelOverlayControls } from './LabelOverlayControls.tsx';
import { LocationReadout } from './LocationReadout.tsx';
import { OrientationMarkers } from './OrientationMarkers.tsx';
import type { Viewer } from './useViewer.ts';
import { ViewModeSwitch } from './ViewModeSwitch.tsx';
import { WindowLevelControls } from './WindowLevelControls.tsx';
import './viewer.css';

interface ViewerPaneProps {
  viewer: Viewer;
  scan: ScanInfo | null;
  /** For the label name under the crosshair. */
  classes: LabelClass[];
  /** The shown scan's slice states, which say whether the label under the crosshair is known; null while not loaded. */
  slices: SliceStates | null;
  /** The row under the views (the slice-state strip). */
  strip: ReactNode;
  /** Drawn over a corner of the views: the scale of the overlay shown, if it has one. */
  legend?: ReactNode;
}

/**
 * The image area: the view controls, the NiiVue canvas with its loading state, the row under
 * it and the crosshair readout.
 */
export function ViewerPane({ viewer, scan, classes, slices, strip, legend }: ViewerPaneProps) {
  const { status, ready, labelsVisible, labelOpacity, changeOverlay } = viewer;
  return (
    <section className="viewer" aria-label="Viewer" data-testid="viewer" data-state={status} data-scan-id={viewer.shownId ?? ''} data-view-mode={viewer.mode}>
      <div className="viewer-toolbar" role="toolbar" aria-label="View controls">
        <ViewModeSwitch mode={viewer.mode} onChange={viewer.changeMode} />
        <WindowLevelControls
          window={ready ? viewer.windowRange : null}
          intensity={ready ? viewer.intensity : null}
          onChange={viewer.setWindow}
          onReset={viewer.resetWindow}
        />
        {/* always there, so the toolbar (which may wrap) keeps its height while a scan loads */}
        <LabelOverlayControls
          visible={labelsVisible}
          opacity={labelOpacity}
          onVisible={(v) => changeOverlay(v, labelOpacity)}
          onOpacity={(o) => changeOverlay(labelsVisible, o)}
        />
        <DisplayControls display={viewer.display} onChange={viewer.changeDisplay} />
        <span className="viewer-toolbar__title" data-testid="viewer-title">
          {scan?.name ?? ''}
        </span>
      </div>
      <div className="viewport" ref={viewer.viewportRef}>
        <div className="viewport__canvas-host">
          <canvas
            ref={viewer.canvasRef}
            className="viewport__canvas"
            data-testid="viewer-canvas"
            aria-label="Image views. Arrow keys or the wheel change the slice, Page Up/Page Down by ten; A, C, S, M and R switch views."
          />
        </div>
        {viewer.armed && (
          <div
            ref={viewer.brushOutlineRef}
            className={`brush-outline${viewer.armed.eraser ? ' brush-outline--eraser' : ''}`}
            style={viewer.armed.color ? { borderColor: viewer.armed.color } : undefined}
            data-testid="brush-outline"
            data-tool={viewer.armed.eraser ? 'eraser' : 'brush'}
            data-size={viewer.armed.size}
            aria-hidden="true"
            hidden
          />
        )}
        {ready && <OrientationMarkers tiles={viewer.tiles} convention={viewer.display.convention} />}
        {ready && legend}
        {status === 'loading' && (
          <div className="viewport__veil" data-testid="viewer-loading" role="status">
            <span className="spinner spinner--large" aria-hidden="true" />
            Loading {scan?.name}…
          </div>
        )}
        {status === 'empty' && (
          <div className="viewport__veil viewport__veil--empty" data-testid="viewer-empty">
            Select a scan to view it
          </div>
        )}
        {status === 'error' && (
          <div className="viewport__veil viewport__veil--empty" data-testid="viewer-error">
            This scan could not be shown
          </div>
        )}
      </div>
      {strip}
      <LocationReadout location={ready ? viewer.location : null} classes={classes} slices={slices} keyPlane={ready ? viewer.keyPlane : null} />
    </section>
  );
}
