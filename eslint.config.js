// Lint rules beyond the type checker: no `any`, SQL only in store/ (the repositories), and the recommended
// TypeScript rules. The layer rules are dependency-cruiser's (.dependency-cruiser.cjs); formatting is prettier's.
import tseslint from 'typescript-eslint';

const SQL_BUILDERS = 'selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/**', 'coverage/**', 'data/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // the type checker reports unused names (noUnusedLocals); `_`-prefixed ones are deliberate
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Tests read JSON answers as they come (bodies typed `any`) and write compact table-driven helpers.
    files: ['test/**/*.ts', 'src/**/*.test.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/**', 'src/scim/filter/sql.ts', 'src/emulator/**', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `CallExpression[callee.property.name=/^(${SQL_BUILDERS})$/]`,
          message: 'SQL belongs in a repository of src/store/ (docs/architecture.md): add a function there and call it.',
        },
      ],
    },
  },
);
