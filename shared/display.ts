/**
 * How the views are shown, as the app remembers it across restarts (the home's settings.json).
 * The words the UI shows for each choice are the renderer's (renderer/src/viewer/displaySettings.ts).
 */

/**
 * Which side of the screen the patient's left is on in the axial and coronal views.
 * Neurological: on the left, as if looking down from above or from behind (NiiVue's, FSL's and
 * most research tools' default). Radiological: on the right, as if facing the patient (reading
 * rooms, PACS and DICOM viewers).
 */
export const DISPLAY_CONVENTIONS = ['neurological', 'radiological'] as const;
export type DisplayConvention = (typeof DISPLAY_CONVENTIONS)[number];

/** What the 3D view draws: the scan's volume render with the labels, or the labels alone. */
export const RENDER_3D_CHOICES = ['scan', 'labels'] as const;
export type Render3D = (typeof RENDER_3D_CHOICES)[number];

export interface DisplaySettings {
  convention: DisplayConvention;
  render3d: Render3D;
}

export const DEFAULT_DISPLAY: DisplaySettings = { convention: 'neurological', render3d: 'scan' };

/** `value` as display settings: each field that is one of its choices, the default for the others (an old or hand-edited settings file). */
export function displaySettingsOf(value: unknown): DisplaySettings {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const pick = <T extends string>(choices: readonly T[], x: unknown, fallback: T): T => (choices.includes(x as T) ? (x as T) : fallback);
  return {
    convention: pick(DISPLAY_CONVENTIONS, v.convention, DEFAULT_DISPLAY.convention),
    render3d: pick(RENDER_3D_CHOICES, v.render3d, DEFAULT_DISPLAY.render3d),
  };
}
