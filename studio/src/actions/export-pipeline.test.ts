import { describe, expect, it } from 'vitest';
import { exportFileName } from './export-pipeline';

describe('exportFileName', () => {
  it('names the file after the pipeline', () => {
    expect(exportFileName('Breast cancer — logistic regression')).toBe('breast-cancer-logistic-regression.json');
    expect(exportFileName('Prévisions 2025')).toBe('previsions-2025.json');
    expect(exportFileName('———')).toBe('pipeline.json');
  });
});
