import { MAX_BRUSH, MIN_BRUSH } from '../viewer/brush.ts';
import type { Tool } from './shortcuts.ts';

const TOOLS: { tool: Tool; label: string; key: string; hint: string }[] = [
  { tool: 'navigate', label: 'Navigate', key: 'V', hint: 'Click moves the crosshair' },
  { tool: 'brush', label: 'Brush', key: 'B', hint: 'Paint the selected class' },
  { tool: 'eraser', label: 'Eraser', key: 'E', hint: 'Paint background' },
  { tool: 'fill', label: 'Fill', key: 'F', hint: 'Click previews the connected region of similar intensity in the slice; click it again to fill' },
];

interface ToolBarProps {
  tool: Tool;
  onTool(tool: Tool): void;
  brushSize: number;
  onBrushSize(size: number): void;
  canUndo: boolean;
  canRedo: boolean;
  onUndo(): void;
  onRedo(): void;
  disabled: boolean;
}

/** Painting tools, brush size, undo and redo. */
export function ToolBar({ tool, onTool, brushSize, onBrushSize, canUndo, canRedo, onUndo, onRedo, disabled }: ToolBarProps) {
  return (
    <section className="side-section" aria-label="Tools" data-testid="annotation-tools">
      <div className="tool-grid" role="radiogroup" aria-label="Tool">
        {TOOLS.map((t) => (
          <button
            key={t.tool}
            type="button"
            role="radio"
            aria-checked={tool === t.tool}
            className={`tool-button${tool === t.tool ? ' tool-button--on' : ''}`}
            title={`${t.hint} (${t.key})`}
            data-testid={`tool-${t.tool}`}
            disabled={disabled}
            onClick={() => onTool(t.tool)}
          >
            {t.label}
            <kbd>{t.key}</kbd>
          </button>
        ))}
      </div>
      <label className="brush-size" title="Brush size in voxels ([ and ])">
        <span className="toolbar-group__label">Size</span>
        <input
          type="range"
          className="slider"
          min={MIN_BRUSH}
          max={MAX_BRUSH}
          step={1}
          value={brushSize}
          disabled={disabled}
          aria-label="Brush size"
          aria-valuetext={`${brushSize} voxels`}
          data-testid="brush-size"
          onChange={(e) => onBrushSize(Number(e.target.value))}
        />
        <span className="toolbar-group__value" data-testid="brush-size-value">
          {brushSize}
        </span>
      </label>
      <div className="button-row">
        <button type="button" className="button button--small" data-testid="undo" disabled={disabled || !canUndo} title="Undo (Ctrl+Z)" onClick={onUndo}>
          ↶ Undo
        </button>
        <button type="button" className="button button--small" data-testid="redo" disabled={disabled || !canRedo} title="Redo (Ctrl+Shift+Z)" onClick={onRedo}>
          ↷ Redo
        </button>
      </div>
    </section>
  );
}
