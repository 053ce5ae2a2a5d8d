import { describe, expect, it } from 'vitest';
import { profileColumns } from './column-profile';

describe('profileColumns', () => {
  it('counts missing values and distinct values, bins numbers and ranks text', () => {
    const [age, city] = profileColumns(
      [
        { name: 'age', type: 'number', sqlType: 'DOUBLE' },
        { name: 'city', type: 'string', sqlType: 'VARCHAR' },
      ],
      [
        { age: 10, city: 'Oslo' },
        { age: 20, city: 'Oslo' },
        { age: null, city: 'Rome' },
        { age: 30, city: null },
      ],
    );
    expect(age).toMatchObject({ missingShare: 0.25, distinct: 3, top: [] });
    expect(age.histogram?.reduce((a, b) => a + b)).toBe(3);
    expect(city).toMatchObject({ missingShare: 0.25, distinct: 2, histogram: null });
    expect(city.top).toEqual([
      { value: 'Oslo', count: 2 },
      { value: 'Rome', count: 1 },
    ]);
  });
});
