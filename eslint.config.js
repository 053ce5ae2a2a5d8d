import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.pipewright/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The catalog is shared by browser, server and worker: it stays framework-free.
    files: ['nodes/**/*.ts'],
    ignores: ['nodes/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'react',
                'react-*',
                '@nestjs/*',
                '@tensorflow/*',
                '@duckdb/*',
                'duckdb',
                'typeorm',
                'pg-boss',
                'pg',
                'onnxruntime-*',
                'onnx-proto',
                'node:*',
              ],
              message: 'nodes/ is framework-free: the runtime hands engines in through ctx.',
            },
          ],
        },
      ],
    },
  },
  {
    // Node tests run nodes through the runtime's test entry, not by reaching into the server's sources.
    files: ['nodes/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/src/**', '**/server/dist/**'],
              message: 'node tests import the runtime from @pipewright/server/testing.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**', 'bin/**', 'test/bench/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);
