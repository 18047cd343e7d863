/**
 * Two projects:
 * - unit: everything but test/e2e, and the emulator package's own tests (packages/emulator/test).
 *   No Pulumi CLI, no Go, no build: runs anywhere (`npm run test:unit`).
 * - e2e: the real Pulumi engine against the emulator. Its globalSetup builds dist/ from the current
 *   source (the dynamic-provider host loads the package by name) and provides the pinned CLI and
 *   language host (scripts/pulumi-cli.sh) once, before any suite.
 * `npm test` (plain `jest`) runs both.
 */
const { name, exports: entryPoints } = require("./package.json");

/**
 * The package's entry points (`pulumi-alicloud-ims-callback`, `.../receiver`, ...) as imported by the
 * examples, mapped to their source: tests exercise the current code, never a stale dist/. Derived
 * from package.json "exports" (dist/<path>.d.ts is built from lib/<path>.ts).
 */
const entryPointSources = Object.fromEntries(
  Object.entries(entryPoints)
    .filter(([, target]) => typeof target === "object")
    .map(([key, target]) => [
      `^${(key === "." ? name : `${name}/${key.slice(2)}`).replace(/[.-]/g, "\\$&")}$`,
      target.types.replace(/^\.\/dist\//, "<rootDir>/lib/").replace(/\.d\.ts$/, ".ts"),
    ]),
);

/**
 * The emulator package of this repository's workspace (packages/emulator), imported by name from
 * the tests, the demo and the e2e harness, mapped to its source like the entry points above.
 */
const workspaceSources = {
  "^pulumi-alicloud-ims-emulator$": "<rootDir>/packages/emulator/src/index.ts",
};

const shared = {
  preset: "ts-jest",
  testEnvironment: "node",
  moduleNameMapper: { ...entryPointSources, ...workspaceSources },
  modulePathIgnorePatterns: [
    "<rootDir>/dist/",
    "<rootDir>/packages/.*/dist/",
    "<rootDir>/examples/.*/node_modules/",
  ],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }],
  },
};

/** @type {import('jest').Config} */
module.exports = {
  // The end-to-end suites each drive an engine; two at a time is what two cores take.
  maxWorkers: 2,
  // Jest reads testTimeout from here only; the e2e project raises it in its setup file.
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: "unit",
      roots: ["<rootDir>/test", "<rootDir>/packages/emulator/test"],
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/e2e/"],
    },
    {
      ...shared,
      displayName: "e2e",
      roots: ["<rootDir>/test/e2e"],
      testMatch: ["**/*.test.ts"],
      globalSetup: "<rootDir>/test/globalSetup.ts",
      setupFilesAfterEnv: ["<rootDir>/test/e2e/timeout.ts"],
    },
  ],
};
