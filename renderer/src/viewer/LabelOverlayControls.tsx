interface LabelOverlayProps {
  visible: boolean;
  opacity: number;
  onVisible(visible: boolean): void;
  onOpacity(opacity: number): void;
}

/** Show/hide and opacity of the label-map overlay. */
export function LabelOverlayControls({ visible, opacity, onVisible, onOpacity }: LabelOverlayProps) {
  return (
    <div className="toolbar-group" role="group" aria-label="Label overlay">
      <label className="toggle" title="Show or hide the label map (L)">
        <input type="checkbox" checked={visible} data-testid="labels-visible" onChange={(e) => onVisible(e.target.checked)} />
        Labels
      </label>
      <input
        type="range"
        className="slider"
        min={0}
        max={100}
        step={1}
        value={Math.round(opacity * 100)}
        disabled={!visible}
        aria-label="Label opacity"
        aria-valuetext={`${Math.round(opacity * 100)}%`}
        data-testid="labels-opacity"
        onChange={(e) => onOpacity(Number(e.target.value) / 100)}
      />
      <span className="toolbar-group__value">{Math.round(opacity * 100)}%</span>
    </div>
  );
}
