/**
 * What may name a scan. A name becomes a file name when labels or predictions are exported
 * (`<name>.nii.gz`, `<name>_prediction_<run>.nii.gz`), so it must be one harmless path
 * component on every system Atrium runs on; the API, the CLI and import all check it here.
 */

/**
 * In UTF-8 bytes: file systems limit a file name to 255 bytes, and export adds up to 55 (a
 * `-2` making it unique, a `-<scan id>` against a clash, `_prediction_<run>.nii.gz`).
 */
export const MAX_SCAN_NAME_BYTES = 200;

// Control characters are exactly what this expression is for.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/gu;
const FORBIDDEN = new RegExp(`[/\\\\:*?"<>|]|${CONTROL.source}`, 'gu');
/** Windows refuses these as file names, whatever follows the first dot. */
const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\.|$)/i;

export const SCAN_NAME_RULE = `a scan name is 1 to ${MAX_SCAN_NAME_BYTES} bytes long (as many plain letters, fewer accented or non-Latin ones), does not start with a dot, is not a reserved device name such as CON or NUL, and holds no / \\ : * ? " < > | or control characters`;

const utf8Length = (text: string) => new TextEncoder().encode(text).byteLength;

/** Why `name` cannot name a scan (the rule included), or null when it can. */
export function scanNameProblem(name: string): string | null {
  const problem =
    name.trim() === ''
      ? 'the name is empty'
      : name.match(FORBIDDEN)
        ? `"${printable(name)}" holds ${[...new Set(name.match(FORBIDDEN))].map(describe).join(', ')}`
        : name.startsWith('.')
          ? `"${name}" starts with a dot`
          : RESERVED.test(name)
            ? `"${name}" is a reserved device name`
            : utf8Length(name) > MAX_SCAN_NAME_BYTES
              ? `the name is ${utf8Length(name)} bytes long`
              : null;
  return problem && `${problem}: ${SCAN_NAME_RULE}`;
}

/**
 * A valid scan name made from any text, e.g. a file name without its extension: forbidden
 * characters become `_`, leading dots and spaces go, a reserved name gets a `_`, and it is cut
 * (between characters) to the length limit; `scan` when nothing is left.
 */
export function toScanName(text: string): string {
  let name = text
    .replace(FORBIDDEN, '_')
    .replace(/^[.\s]+/u, '')
    .trim();
  if (RESERVED.test(name)) name = name.replace(/^[^.]*/, (device) => `${device}_`);
  let cut = '';
  let bytes = 0;
  for (const char of name) {
    bytes += utf8Length(char);
    if (bytes > MAX_SCAN_NAME_BYTES) break;
    cut += char;
  }
  return cut.trim() || 'scan';
}

function describe(char: string): string {
  return char.match(CONTROL) ? `a control character (U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})` : char;
}

function printable(name: string): string {
  return name.replace(CONTROL, '?');
}
