import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const namedExportsOnly = { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' };
/**
 * The editor surfaces that render text a stranger may have written (Markdown links and `command:` URIs in
 * notifications, `$(icon)` in pickers and the status bar). Only src/ui/surfaces.ts may call them: it takes
 * texts made by the `ui` tag, which neutralises every interpolated value [SEC-29a].
 */
const editorSurfaces =
  '/^(showInformationMessage|showWarningMessage|showErrorMessage|withProgress|showQuickPick|createQuickPick|showInputBox|createInputBox|createStatusBarItem|setStatusBarMessage)$/';
const surfacesMessage = 'Text for notifications, dialogs, progress, pickers and the status bar goes through src/ui/surfaces.ts (ui`…` texts).';
const onlyThroughSurfaces = [
  { selector: `MemberExpression[object.property.name='window'][property.name=${editorSurfaces}]`, message: surfacesMessage },
  { selector: `MemberExpression[object.name='window'][property.name=${editorSurfaces}]`, message: surfacesMessage },
  { selector: `VariableDeclarator[init.property.name='window'] > ObjectPattern`, message: surfacesMessage },
  { selector: `ImportDeclaration[source.value='vscode'] ImportSpecifier[imported.name='window']`, message: surfacesMessage },
];

/**
 * Features call each other through typed services (src/services), never through Mailroom's own commands: a
 * command is the palette's and the menus' way in. `executeCommand` may run the editor's commands (a view's
 * `.focus`), named where the call is, so lint sees which one runs.
 */
const ownCommandMessage = "Call the feature's service in src/services instead of running one of Mailroom's own commands.";
const noOwnCommands = [
  { selector: "CallExpression[callee.property.name='executeCommand'][arguments.0.value=/^mailroom\\./]", message: ownCommandMessage },
  { selector: "CallExpression[callee.property.name='executeCommand'][arguments.0.quasis.0.value.raw=/^mailroom\\./]", message: ownCommandMessage },
  {
    selector:
      "CallExpression[callee.property.name='executeCommand'][arguments.0.type=/^(Identifier|MemberExpression|CallExpression|ConditionalExpression|LogicalExpression)$/]",
    message: "Name the command where it runs (a string or template literal), so lint can check it is not one of Mailroom's own.",
  },
];
/** [SEC-12] Only test wiring may give a product class a test transport (another fetch, an extra CA). */
const testTransportOnly = {
  group: ['**/testTransport'],
  importNames: ['withTestTransport'],
  message: 'Test wiring only: product code never swaps fetch or trusts another CA [SEC-12].',
};
/** [SEC-12] Only test wiring may move the Gmail and Microsoft presets to other hosts (the local stack's). */
const testPresetEndpointsOnly = {
  group: ['**/testPresetEndpoints'],
  importNames: ['usePresetEndpointsForTests'],
  message: 'Test wiring only: product code never moves a preset to other hosts [SEC-12].',
};
/** Imports point down: commands → services → mail; views → services. Wiring lives in src/extension.ts. */
const layerImports = (folder, forbidden) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          testTransportOnly,
          testPresetEndpointsOnly,
          ...forbidden.map((layer) => ({
            group: [`**/${layer}/*`],
            message: `src/${folder} does not import src/${layer}: the arrow would point up (see eslint.config.mjs).`,
          })),
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/editor/node_modules/**', '.test-output/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/explicit-function-return-type': ['error', { allowExpressions: true, allowTypedFunctionExpressions: true }],
      'no-restricted-syntax': ['error', namedExportsOnly],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': ['error', namedExportsOnly, ...onlyThroughSurfaces, ...noOwnCommands],
      'no-restricted-imports': ['error', { patterns: [testTransportOnly, testPresetEndpointsOnly] }],
    },
  },
  {
    files: ['src/ui/surfaces.ts'],
    rules: {
      'no-restricted-syntax': ['error', namedExportsOnly, ...noOwnCommands],
    },
  },
  layerImports('services', ['views', 'commands']),
  layerImports('views', ['commands']),
  layerImports('mail', ['views', 'commands', 'services', 'windows']),
  // The windows' coordination (lease, local socket, relay) is editor-free like src/mail: plain Node, unit-testable.
  {
    files: ['src/windows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/windows is editor-free: the editor reaches it through src/services and src/extension.ts.' }],
          patterns: [
            testTransportOnly,
            testPresetEndpointsOnly,
            ...['views', 'commands', 'services', 'ui'].map((layer) => ({
              group: [`**/${layer}/*`],
              message: `src/windows does not import src/${layer}: the arrow would point up (see eslint.config.mjs).`,
            })),
          ],
        },
      ],
    },
  },
);
