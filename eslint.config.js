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
/**
 * The no-restricted-imports rule for lib/<folder>: only lib/shared and the folders in `allowed`;
 * of those in `throughIndex`, only their index (their facade), never a file behind it.
 */
function importsOnly(folder, allowed, packages = [], throughIndex = []) {
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
            ...throughIndex.map((f) => ({
              group: [`../${f}/*`],
              message: `lib/${folder} reaches lib/${f} through its index ("../${f}"): export what is needed there.`,
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

// The emulator (packages/emulator/src) is laid out the way moto lays out its services: ground/ is
// what every product uses and imports no other folder; each product (ims, ram, mns, mnsOpen, sts)
// and rpc/ (the RPC listener and signatures) import only ground/; control/ builds on the products;
// server.ts, index.ts and cli.ts at the root compose them. No import runs back up.
const EMULATOR_FOLDERS = ["ground", "rpc", "ims", "ram", "mns", "mnsOpen", "sts", "control"];
const EMULATOR_FIX =
  "move what both need into ground/, or wire them together in control/ or server.ts.";
/**
 * The no-restricted-imports rule for packages/emulator/src/<folder>: no root file (server, index,
 * cli), no folder but ground/ and those in `allowed`; `extra` adds patterns (one file of an allowed
 * folder, say).
 */
function emulatorImportsOnly(folder, allowed, extra = []) {
  const forbidden = EMULATOR_FOLDERS.filter(
    (f) => f !== folder && f !== "ground" && !allowed.includes(f),
  );
  const may = ["ground", ...allowed].map((f) => `${f}/`).join(", ");
  return {
    files: [`packages/emulator/src/${folder}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...forbidden.map((f) => ({
              group: [`../${f}`, `../${f}/*`],
              message: `emulator ${folder}/ imports only ${folder === "ground" ? "ground/ itself" : may}, not ${f}/: ${folder === "ground" ? "move what ground/ needs into ground/." : EMULATOR_FIX}`,
            })),
            {
              group: ["../server", "../index", "../cli"],
              message: `emulator ${folder}/ must not import server.ts, index.ts or cli.ts: the root composes the folders, never the other way.`,
            },
            ...extra,
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
  importsOnly("plugin", ["program", "runtime"], [], ["runtime"]),
  emulatorImportsOnly("ground", []),
  emulatorImportsOnly("rpc", []),
  emulatorImportsOnly("ims", []),
  emulatorImportsOnly("ram", []),
  emulatorImportsOnly("mns", []),
  emulatorImportsOnly("sts", []),
  // Mns-open manages the queues the MNS data API serves: it may use their store, nothing else of mns/.
  emulatorImportsOnly(
    "mnsOpen",
    ["mns"],
    [
      {
        regex: "^\\.\\./mns(/(?!queues$).*)?$",
        message: `emulator mnsOpen/ imports only mns/queues of mns/ (the queue store it manages): ${EMULATOR_FIX}`,
      },
    ],
  ),
  emulatorImportsOnly("control", ["rpc", "ims", "ram", "mns", "mnsOpen", "sts"]),
  // Formatting is Prettier's job (npm run format); eslint-config-prettier turns off rules that clash.
  prettier,
);
