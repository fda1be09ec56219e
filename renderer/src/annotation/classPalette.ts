import type { LabelClass } from '../../../shared/types.ts';

/** Distinct colours for new classes (Trubetskoy's 20-colour set, most distinct first). */
export const CLASS_PALETTE = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#ffe119',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#bfef45',
  '#fabed4',
  '#469990',
  '#dcbeff',
  '#9a6324',
  '#fffac8',
  '#800000',
  '#aaffc3',
  '#808000',
  '#ffd8b1',
  '#000075',
  '#a9a9a9',
];

/** A name and colour for the next new class: "Class N" with the first N not taken, the first unused colour. */
export function newClassDefaults(classes: readonly LabelClass[]): { name: string; color: string } {
  const names = new Set(classes.map((c) => c.name.toLowerCase()));
  let n = classes.length + 1;
  while (names.has(`class ${n}`)) n++;
  const used = new Set(classes.map((c) => c.color.toLowerCase()));
  const color = CLASS_PALETTE.find((c) => !used.has(c)) ?? CLASS_PALETTE[classes.length % CLASS_PALETTE.length];
  return { name: `Class ${n}`, color };
}

/** Classes in the order the panel lists them and number keys pick them: by value. */
export function orderedClasses(classes: readonly LabelClass[]): LabelClass[] {
  return [...classes].sort((a, b) => a.value - b.value);
}
