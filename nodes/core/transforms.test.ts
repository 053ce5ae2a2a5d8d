import { describe, expect, it } from 'vitest';
import { applyStepsToRow, pendingTransforms, quoteIdent, quoteLiteral, transformSql } from './transforms.js';
import type { FittedTransform } from './values.js';

describe('fitted transforms', () => {
  it('imputes, scales and one-hot encodes a row being scored', () => {
    const row = applyStepsToRow(
      [
        { op: 'impute', column: 'age', value: 40 },
        { op: 'scale', column: 'age', center: 30, scale: 10 },
        { op: 'onehot', column: 'sex', categories: ['f', 'm'], other: true },
      ],
      { age: null, sex: 'x' },
    );
    expect(row).toEqual({ age: 1, sex_f: 0, sex_m: 0, sex_other: 1 });
  });

  it('never drops a row being scored: drop steps keep it, outside values are clipped', () => {
    const steps = [
      { op: 'dropMissing' as const, columns: ['a'] },
      { op: 'dropOutside' as const, column: 'b', min: 0, max: 10 },
    ];
    expect(applyStepsToRow(steps, { a: null, b: 50 })).toEqual({ a: null, b: 10 });
    expect(transformSql(steps, 't', [], 'score')).not.toContain('WHERE');
    expect(transformSql(steps, 't', [], 'fit')).toContain('WHERE');
  });

  it('quotes identifiers and literals safely', () => {
    expect(quoteIdent('mean "radius"')).toBe('"mean ""radius"""');
    expect(quoteLiteral("O'Brien")).toBe("'O''Brien'");
    expect(() => quoteLiteral(Number.NaN)).toThrow();
  });

  it('leaves out transforms a table already had', () => {
    const a: FittedTransform = { id: 'a', nodeId: 'impute', nodeType: 'clean.missing', steps: [] };
    const b: FittedTransform = { id: 'b', nodeId: 'scale', nodeType: 'feature.scale', steps: [] };
    expect(pendingTransforms([a, b], [a]).map((t) => t.id)).toEqual(['b']);
  });
});
