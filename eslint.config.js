// ESLint for every TypeScript folder (app, e2e, bench, tools, trainer): typescript-eslint's
// type-checked rules, React hooks, Playwright's rules for e2e, and the rooms' import rules.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import playwright from 'eslint-plugin-playwright';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** The app composes; features compose lower rooms; lower rooms never reach up. */
const APP_LAYER = ['./src/app', './src/App.tsx', './src/main.tsx', './src/boot.tsx'];
const UPPER = [...APP_LAYER, './src/features'];
const roomZones = [
  // core is shared with the trainer: it imports nothing of the app.
  { target: './src/core', from: './src', except: ['./core'], message: 'core/ imports nothing of the app (the trainer shares it).' },
  { target: './src/domain', from: './src', except: ['./core', './domain'], message: 'domain/ holds rules on data: it may use core/ only.' },
  ...['inference', 'teach', 'persistence', 'media', 'store', 'components', 'i18n'].map((room) => ({
    target: `./src/${room}`,
    from: UPPER,
    message: `${room}/ is a lower room: it never imports features or the app layer.`,
  })),
  ...features.flatMap((name) => [
    {
      target: `./src/features/${name}`,
      from: './src/features',
      except: [`./${name}`],
      message: 'A feature never imports another feature: App composes them (parts as props).',
    },
    { target: `./src/features/${name}`, from: APP_LAYER, message: 'A feature never imports the app layer: it gets actions as props.' },
  ]),
  { target: './training', from: UPPER, message: 'The trainer shares core/ (and inference code), never the UI.' },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dev-dist/**',
      'dist-*/**',
      'node_modules/**',
      '**/node_modules/**',
      'test-results*/**',
      'playwright-report/**',
      'e2e/.generated/**',
      // A scratch project with its own dependencies (run from /tmp, see notes/schemas.md).
      'notes/schema-bench/**',
      'bench-results/**',
      'runs/**',
      'training/runs/**',
      'training/.explore/**',
      'training/.cache/**',
      'public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: roomZones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/**/*.tsx'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['e2e/**/*.ts'],
    ...playwright.configs['flat/recommended'],
    rules: {
      ...playwright.configs['flat/recommended'].rules,
      // Skips are only ever conditional, with the reason (e.g. ../shared absent): never an unconditional skip.
      'playwright/no-skipped-test': ['error', { allowConditional: true }],
      // Parameterised specs (model x backend x export mode) branch on their variant by design; each branch asserts.
      'playwright/no-conditional-in-test': 'off',
      'playwright/no-conditional-expect': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
