/** Input types that take no typed text: letters pressed on them are free for shortcuts. */
const NON_TEXT_INPUTS = ['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'color', 'file'];

/** Keys a slider or a radio button moves itself with. */
const MOVING_KEYS = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'PageUp', 'PageDown', 'Home', 'End'];

/** Whether `target` takes typed text: a text field, a select or an editable element. */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !NON_TEXT_INPUTS.includes(target.type);
}

/**
 * Whether the focused element has a use of its own for `key`, so that a shortcut must leave it
 * alone: any key in a text field, the arrow and page keys on a slider or a radio button. Anything
 * else (a button just clicked, a checkbox, the page itself) leaves the key to the shortcuts.
 */
export function fieldTakesKey(target: EventTarget | null, key: string): boolean {
  if (isTextField(target)) return true;
  return target instanceof HTMLInputElement && (target.type === 'range' || target.type === 'radio') && MOVING_KEYS.includes(key);
}
