// @ts-check
const eslint = require("@eslint/js");
const tseslint = require("typescript-eslint");
const prettier = require("eslint-config-prettier");

// Folders say where code runs; a runtime folder never imports another runtime's code, so each entry
// point loads only what its audience needs (lib/shared is pure and imports no sibling at all).
const RUNTIME_FOLDERS = [
  "program",
  "runtime",
  "receiver",
  "consumer",
  "policy",
  "plugin",
  "events",
];
/** The no-restricted-imports rule for lib/<folder>: only lib/shared and the folders in `allowed`. */
function importsOnly(folder, allowed, packages = []) {
  const forbidden = RUNTIME_FOLDERS.filter((f) => f !== folder && !allowed.includes(f));
  return {
    files: [`lib/${folder}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...forbidden.map((f) => ({
              group: [`../${f}`, `../${f}/*`, `../../lib/${f}`, `../../lib/${f}/*`],
              message: `lib/${folder} runs elsewhere than lib/${f}: move what both need to lib/shared.`,
            })),
            ...packages.map((p) => ({
              group: [p],
              message: `lib/${folder} must not load ${p} (its entry point stays light).`,
            })),
          ],
        },
      ],
    },
  };
}

module.exports = tseslint.config(
  {
    ignores: [
      "dist/",
      "packages/*/dist/",
      "node_modules/",
      "coverage/",
      "**/*.js",
      "!scripts/**/*.js",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  importsOnly("shared", []),
  importsOnly("events", []),
  importsOnly("receiver", [], ["@pulumi/*", "@alicloud/*", "@darabonba/*"]),
  importsOnly("consumer", ["receiver"], ["@pulumi/*"]),
  importsOnly("runtime", []),
  importsOnly("program", []),
  importsOnly("policy", []),
  importsOnly("plugin", ["program", "runtime"]),
  // Formatting is Prettier's job (npm run format); eslint-config-prettier turns off rules that clash.
  prettier,
);
