// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.vscode-test/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Weak randomness has no place in a crypto tool: everything comes from node:crypto.
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use node:crypto (randomBytes / randomInt).' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='pbkdf2Sync']",
          message: 'pbkdf2Sync blocks the event loop: use the async pbkdf2.',
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      eqeqeq: ['error', 'always'],
    },
  },
  // The layers: data flows one way — commands and sidebar → editor → node → core.
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/core is a plain node:crypto library: no vscode.' }],
          patterns: [{ group: ['../*', '!../core'], message: 'src/core imports nothing of ours.' }],
        },
      ],
    },
  },
  {
    files: ['src/node/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/node holds Node-only helpers: no vscode.' }],
          patterns: [
            {
              group: [
                '../editor',
                '../editor/*',
                '../commands',
                '../commands/*',
                '../sidebar',
                '../sidebar/*',
              ],
              message: 'src/node imports only the core.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/editor/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../commands', '../commands/*', '../sidebar', '../sidebar/*', '../webview/*'],
              message: 'The editor layer serves the commands and the sidebar; it imports neither.',
            },
          ],
        },
      ],
    },
  },
);
