import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLASS_PALETTE, newClassDefaults, orderedClasses } from './classPalette.ts';

test('a new class takes the next free name and the first colour not in use', () => {
  assert.deepEqual(newClassDefaults([]), { name: 'Class 1', color: CLASS_PALETTE[0] });
  const classes = [
    { value: 1, name: 'Class 2', color: '#E6194B' },
    { value: 2, name: 'Tumour', color: CLASS_PALETTE[2] },
  ];
  assert.deepEqual(newClassDefaults(classes), { name: 'Class 3', color: CLASS_PALETTE[1] });
});

test('classes are listed by value, whatever order the project gives them in', () => {
  const ordered = orderedClasses([
    { value: 5, name: 'b', color: '#000000' },
    { value: 2, name: 'a', color: '#000000' },
  ]);
  assert.deepEqual(
    ordered.map((c) => c.value),
    [2, 5],
  );
});
