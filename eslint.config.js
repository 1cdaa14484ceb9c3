import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const ioModules = [
  'grammy',
  'grammy/*',
  'botbuilder',
  'botbuilder*',
  'mongodb',
  'pino',
  'ws',
  'node:*',
  'fs',
  'http',
  'net',
  'child_process',
];

export default tseslint.config(
  { ignores: ['node_modules/', '.cache/', 'data/', 'test-artifacts/', 'dist/', 'bot/web/public/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': 'off',
    },
  },
  {
    // The engine is pure: no channel SDK, database or Node I/O inside dialogs/.
    files: ['dialogs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ioModules, message: 'dialogs/ is pure: pass I/O in from bot/.' }] },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'fetch', 'process'],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Randomness is passed in.' },
        { object: 'Date', property: 'now', message: 'The clock is passed in.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The clock is passed in.',
        },
      ],
    },
  },
  {
    // Channels are thin: they get the turn handler (and what their protocol needs) injected,
    // never the database or the store.
    files: ['bot/telegram/**/*.ts', 'bot/web/**/*.ts', 'bot/console/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/storage/*', 'mongodb'],
              message: 'Channels do not touch storage: use handleTurn and the ChannelContext.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['bot/web/static/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
