import { AUTO, type MethodOptionSpec, type MethodSpec } from '../../../shared/methods.ts';
import type { ModelChoice } from '../../../shared/networks.ts';
import { networkOf, optionDefaultInput, parseOptionInput } from './trainDefaults.ts';

interface MethodOptionsProps {
  spec: MethodSpec;
  model: ModelChoice;
  values: Record<string, string | boolean>;
  onChange(key: string, value: string | boolean): void;
  disabled: boolean;
}

/** One input per option of a method: numbers with their range, booleans as checkboxes, choices as selects. */
export function MethodOptions({ spec, model, values, onChange, disabled }: MethodOptionsProps) {
  if (spec.options.length === 0) return <p className="empty-note">{spec.label} has no options.</p>;
  return (
    <div className="method-options" data-testid="method-options">
      {spec.options.map((o) => (
        <OptionInput
          key={o.key}
          option={o}
          model={model}
          value={values[o.key] ?? optionDefaultInput(o, networkOf(model))}
          onChange={onChange}
          disabled={disabled}
        />
      ))}
    </div>
  );
}

function OptionInput({
  option,
  model,
  value,
  onChange,
  disabled,
}: {
  option: MethodOptionSpec;
  model: ModelChoice;
  value: string | boolean;
  onChange(key: string, value: string | boolean): void;
  disabled: boolean;
}) {
  const fallback = optionDefaultInput(option, networkOf(model));
  const defaultText =
    typeof option.default === 'object' && model === 'auto'
      ? `default ${option.default.unet2d} (2D) / ${option.default.vnet3d} (3D)`
      : `default ${String(fallback)}`;
  const parsed = parseOptionInput(option, value);
  const id = `method-option-${option.key}`;
  const common = { id, disabled, 'data-testid': id, 'data-option': option.key };
  return (
    <div className="method-option" title={option.description}>
      <label htmlFor={id} className="method-option__key" title={`${option.key}: ${option.description}`} data-testid={`method-option-label-${option.key}`}>
        {option.label}
      </label>
      {option.kind === 'boolean' ? (
        <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(option.key, e.target.checked)} />
      ) : option.kind === 'choice' ? (
        <select {...common} className="text-input" value={String(value)} onChange={(e) => onChange(option.key, e.target.value)}>
          {option.choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      ) : option.default === AUTO ? (
        // Empty means "auto": a number field cannot show the word.
        <input
          {...common}
          className="num-input method-option__number"
          type="text"
          inputMode="decimal"
          placeholder={AUTO}
          value={value === AUTO ? '' : String(value)}
          aria-invalid={'problem' in parsed}
          onChange={(e) => onChange(option.key, e.target.value.trim() === '' ? AUTO : e.target.value)}
        />
      ) : (
        <input
          {...common}
          className="num-input method-option__number"
          type="number"
          inputMode="decimal"
          min={option.min}
          max={option.max}
          step={option.kind === 'integer' ? 1 : 'any'}
          value={String(value)}
          aria-invalid={'problem' in parsed}
          onChange={(e) => onChange(option.key, e.target.value)}
        />
      )}
      <span className="method-option__hint">
        {option.kind === 'number' || option.kind === 'integer' ? `${option.min}…${option.max}, ` : ''}
        {defaultText}
      </span>
    </div>
  );
}
