import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/.out/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    // Annotations pass the step's redaction: they go through src/log.ts.
    files: ['src/**'],
    ignores: ['src/log.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value='@actions/core'] > ImportSpecifier[imported.name=/^(warning|error|notice|setFailed)$/]",
          message: 'Use src/log.ts: annotations pass the step’s redaction.',
        },
      ],
      'no-restricted-properties': [
        'error',
        ...['warning', 'error', 'notice', 'setFailed'].map((property) => ({
          object: 'core',
          property,
          message: 'Use src/log.ts: annotations pass the step’s redaction.',
        })),
      ],
    },
  },
  {
    files: ['__tests__/**', 'scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
