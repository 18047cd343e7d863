/**
 * Generated documentation: the parts of docs/ that are derived from code are rewritten here, between
 * `<!-- generated:<name> -->` and `<!-- /generated:<name> -->` markers, so they cannot drift.
 *
 *   npm run docs:generate   rewrite every generated block
 *   ... scripts/docs.ts --print   print every rendered block as JSON, write nothing
 *
 * test/docs.test.ts fails when a committed block differs from what this module renders.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Policy } from "@pulumi/policy";
import { pluginConfigKey } from "../lib/plugin/config";
import { imsCallbackPolicies } from "../lib/policy";
import { PROVIDER_SETTINGS, type ProviderSetting } from "../lib/runtime/providerSettings";
import { CREDENTIAL_SETTINGS, type CredentialSetting } from "../lib/shared/credentials";
import { javaSdkCoordinates } from "./javaSdkBuild";

const ROOT = path.resolve(__dirname, "..");

/** One generated block: the file it lives in and how to render it. */
export interface GeneratedBlock {
  readonly name: string;
  readonly file: string;
  render(): string;
}

interface JsonSchemaProperty {
  readonly type?: string;
  readonly default?: unknown;
  readonly description?: string;
  readonly items?: { readonly type?: string };
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function configCell(policy: Policy): string {
  const properties = (policy.configSchema?.properties ?? {}) as Record<string, JsonSchemaProperty>;
  const entries = Object.entries(properties);
  if (entries.length === 0) return "—";
  return entries
    .map(([key, schema]) => {
      const type = schema.type === "array" ? `${schema.items?.type ?? "any"}[]` : schema.type;
      const fallback =
        schema.default === undefined ? "" : ` = \`${JSON.stringify(schema.default)}\``;
      return `\`${key}\`${type ? ` (${type})` : ""}${fallback}`;
    })
    .join("<br>");
}

/** The policy table, from each policy's own name, enforcement level, description and config schema. */
export function renderPolicyTable(policies: readonly Policy[] = imsCallbackPolicies): string {
  const rows = policies.map((policy) => {
    const kind = "validateStack" in policy ? "stack" : "resource";
    return `| \`${policy.name}\` | ${policy.enforcementLevel ?? "advisory"} | ${kind} | ${cell(policy.description)} | ${configCell(policy)} |`;
  });
  return [
    "| Policy | Default level | Runs on | What it enforces | Pack config (default) |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

function code(text: string | undefined): string {
  return text ? `\`${text}\`` : "—";
}

function defaultCell(setting: ProviderSetting<unknown>): string {
  return setting.defaultText ?? code(JSON.stringify(setting.default));
}

/**
 * The configuration reference: the provider's settings from their one table (lib/runtime/providerSettings.ts),
 * then the credential settings from theirs (lib/shared/credentials.ts), in the order they are tried.
 */
export function renderConfiguration(
  settings: readonly ProviderSetting<unknown>[] = Object.values(PROVIDER_SETTINGS),
  credentials: readonly CredentialSetting[] = Object.values(CREDENTIAL_SETTINGS),
): string {
  const settingRows = settings.map(
    (s) =>
      `| ${code(s.configKey)} | ${code(s.envVar)} | ${cell(s.kind.accepts)} | ${cell(defaultCell(s))} | ${cell(s.description)} |`,
  );
  const credentialRows = credentials.map(
    (c) =>
      `| ${code(c.configKey)} | ${c.envVars.length > 0 ? c.envVars.map(code).join("<br>") : "—"} | ${cell(c.description)} |`,
  );
  return configurationTables(settingRows, credentialRows);
}

/** The two configuration tables (settings, credentials) of docs/configuration.md and the Registry page. */
function configurationTables(settingRows: string[], credentialRows: string[]): string {
  return [
    "### Provider settings",
    "",
    "| Stack config | Environment variable | Accepts | Default | What it does |",
    "| --- | --- | --- | --- | --- |",
    ...settingRows,
    "",
    "### Credentials",
    "",
    "| Stack config | Environment variables | What it gives |",
    "| --- | --- | --- |",
    ...credentialRows,
  ].join("\n");
}

/** What the Registry pages read from schema.json (the plugin's schema). */
export interface RegistrySchema {
  readonly name: string;
  readonly version: string;
  readonly pluginDownloadURL: string;
  readonly language: {
    readonly nodejs: { readonly packageName: string };
    readonly python: { readonly packageName: string };
    readonly go: { readonly importBasePath: string };
    readonly java: { readonly basePackage: string };
    readonly csharp: { readonly rootNamespace: string };
  };
  readonly config: {
    readonly variables: Readonly<
      Record<string, { type?: string; $ref?: string; description?: string; secret?: boolean }>
    >;
  };
  readonly types: Readonly<Record<string, { enum?: readonly { value: unknown }[] }>>;
}

/** What the Registry pages read from package.json: the npm name and the peers to install with it. */
export interface RegistryPackageJson {
  readonly name: string;
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { optional?: boolean }>>;
}

const readJson = <T>(file: string): T =>
  JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as T;

/** `alicloud-ims-callback` as the C# generator names the package's project: `AlicloudImsCallback`. */
const pascal = (name: string) =>
  name
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");

/**
 * The Registry page's install section: each language's package under the names schema.json
 * declares (`language.*`), at the schema's version; the npm package with its required peers.
 */
export function renderRegistryInstall(
  schema: RegistrySchema = readJson("schema.json"),
  pkg: RegistryPackageJson = readJson("package.json"),
): string {
  const { version, language } = schema;
  const npmName = language.nodejs.packageName;
  const peers = Object.keys(pkg.peerDependencies).filter(
    (peer) => !pkg.peerDependenciesMeta?.[peer]?.optional,
  );
  const python = language.python.packageName;
  const goPackage = language.go.importBasePath;
  const dotnet = `${language.csharp.rootNamespace}.${pascal(schema.name)}`;
  const java = javaSdkCoordinates(schema, version);
  return [
    `The packages of \`${schema.name}\`, under the names its schema declares:`,
    "",
    `- JavaScript/TypeScript: [\`${npmName}\`](https://www.npmjs.com/package/${npmName})`,
    `- Python: [\`${python}\`](https://pypi.org/project/${python}/)`,
    `- Go: [\`${goPackage}\`](https://pkg.go.dev/${goPackage})`,
    `- .NET: \`${dotnet}\` (generated only: not built or published, see below)`,
    `- Java: \`${java.groupId}:${java.artifactId}\` (the jar is attached to the GitHub release)`,
    "- YAML: no package; the engine reads the schema from the provider plugin",
    "",
    "### Node.js (JavaScript/TypeScript)",
    "",
    "```bash",
    `npm install ${[npmName, ...peers].join(" ")}`,
    "```",
    "",
    "### Python",
    "",
    "```bash",
    `pip install ${python}==${version}`,
    "```",
    "",
    "### Go",
    "",
    "```bash",
    `go get ${goPackage}@v${version}`,
    "```",
    "",
    "### .NET",
    "",
    "```bash",
    `dotnet add package ${dotnet} --version ${version}`,
    "```",
    "",
    "### Java",
    "",
    "```xml",
    "<dependency>",
    `  <groupId>${java.groupId}</groupId>`,
    `  <artifactId>${java.artifactId}</artifactId>`,
    `  <version>${version}</version>`,
    "</dependency>",
    "```",
    "",
    "### YAML",
    "",
    "```yaml",
    "resources:",
    "  media-events:",
    `    type: ${schema.name}:index:ImsCallback`,
    "    properties:",
    "      region: cn-shanghai",
    "      http:",
    "        url: https://media.example.com/ims",
    "      eventTypes: [ProduceMediaComplete]",
    "    options:",
    `      version: ${version}`,
    `      pluginDownloadURL: ${schema.pluginDownloadURL}`,
    "```",
  ].join("\n");
}

/** The `Default: ...` paragraph of a schema description, and the description without it. */
function splitDefault(description = ""): { text: string; defaultText?: string } {
  const match = /\n*\s*Default: (.+)$/.exec(description);
  if (!match) return { text: description };
  return { text: description.slice(0, match.index), defaultText: `\`${match[1]}\`` };
}

/** What a schema config variable accepts, for a key the settings table does not have. */
function schemaAccepts(
  schema: RegistrySchema,
  variable: RegistrySchema["config"]["variables"][string],
): string {
  const ref = variable.$ref?.replace("#/types/", "");
  const values = ref ? schema.types[ref]?.enum?.map((e) => JSON.stringify(e.value)) : undefined;
  if (values) return `one of ${values.join(", ")}`;
  return variable.type === "number" ? "a number" : "a string";
}

/**
 * The Registry page's configuration reference: the plugin's config keys (schema.json, from
 * `PluginConfig`) with what the settings table (lib/runtime/providerSettings.ts) and the credential table
 * (lib/shared/credentials.ts) say of the runtime key each one sets, then the settings that only the
 * environment sets.
 */
export function renderRegistryConfiguration(
  schema: RegistrySchema = readJson("schema.json"),
  settings: readonly ProviderSetting<unknown>[] = Object.values(PROVIDER_SETTINGS),
  credentials: readonly CredentialSetting[] = Object.values(CREDENTIAL_SETTINGS),
): string {
  const pluginKey = (runtimeKey: string | undefined) =>
    runtimeKey === undefined ? undefined : pluginConfigKey(runtimeKey);
  const variables = Object.entries(schema.config.variables);
  const keyCell = (key: string | undefined) => {
    if (key === undefined) return "—";
    const variable = schema.config.variables[key.slice(key.lastIndexOf(":") + 1)];
    return `${code(key)}${variable?.secret ? " (secret)" : ""}`;
  };
  const credentialKeys = new Set(credentials.map((c) => pluginKey(c.configKey)));

  const settingRows: string[] = [];
  for (const [name, variable] of variables) {
    const key = `${schema.name}:${name}`;
    if (credentialKeys.has(key)) continue;
    const setting = settings.find((s) => pluginKey(s.configKey) === key);
    const fromSchema = splitDefault(variable.description);
    settingRows.push(
      setting
        ? `| ${keyCell(key)} | ${code(setting.envVar)} | ${cell(setting.kind.accepts)} | ${cell(defaultCell(setting))} | ${cell(setting.description)} |`
        : `| ${keyCell(key)} | — | ${cell(schemaAccepts(schema, variable))} | ${cell(fromSchema.defaultText ?? "—")} | ${cell(fromSchema.text)} |`,
    );
  }
  for (const setting of settings.filter((s) => s.configKey === undefined)) {
    settingRows.push(
      `| — | ${code(setting.envVar)} | ${cell(setting.kind.accepts)} | ${cell(defaultCell(setting))} | ${cell(setting.description)} |`,
    );
  }
  const credentialRows = credentials.map(
    (c) =>
      `| ${keyCell(pluginKey(c.configKey))} | ${c.envVars.length > 0 ? c.envVars.map(code).join("<br>") : "—"} | ${cell(c.description)} |`,
  );
  return configurationTables(settingRows, credentialRows);
}

/** Every generated block of docs/. */
export const GENERATED_BLOCKS: readonly GeneratedBlock[] = [
  { name: "policies", file: "docs/policy-pack.md", render: renderPolicyTable },
  { name: "configuration", file: "docs/configuration.md", render: () => renderConfiguration() },
  {
    name: "registry-install",
    file: "docs/installation-configuration.md",
    render: () => renderRegistryInstall(),
  },
  {
    name: "registry-configuration",
    file: "docs/installation-configuration.md",
    render: () => renderRegistryConfiguration(),
  },
];

const START = (name: string) => `<!-- generated:${name} (npm run docs:generate) -->`;
const END = (name: string) => `<!-- /generated:${name} -->`;

/** The text between `block`'s markers in `text`, or `undefined` when its markers are missing. */
function blockIn(text: string, block: GeneratedBlock): string | undefined {
  const start = text.indexOf(START(block.name));
  const end = text.indexOf(END(block.name));
  if (start < 0 || end < start) return undefined;
  return text.slice(start + START(block.name).length, end).trim();
}

/** The text of `block` as committed in its file, or `undefined` when its markers are missing. */
export function committedBlock(block: GeneratedBlock, root = ROOT): string | undefined {
  return blockIn(fs.readFileSync(path.join(root, block.file), "utf8"), block);
}

/**
 * `block`'s file with the block rendered afresh, formatted by Prettier with the repository's
 * settings (what `npm run lint` checks), so that a committed block passes both checks.
 */
export async function renderedFile(block: GeneratedBlock, root = ROOT): Promise<string> {
  const file = path.join(root, block.file);
  const text = fs.readFileSync(file, "utf8");
  const start = text.indexOf(START(block.name));
  const end = text.indexOf(END(block.name));
  if (start < 0 || end < start) {
    throw new Error(`${block.file} has no ${START(block.name)} ... ${END(block.name)} markers.`);
  }
  const next = `${text.slice(0, start)}${START(block.name)}\n\n${block.render()}\n\n${text.slice(end)}`;
  // Loaded here, not at the top: test/docs.test.ts imports this module, and Prettier 3 cannot load in Jest's VM.
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(next, { ...options, filepath: file });
}

/** The text of `block` as {@link writeBlock} writes it. */
export async function renderedBlock(block: GeneratedBlock, root = ROOT): Promise<string> {
  return blockIn(await renderedFile(block, root), block) ?? "";
}

/** Rewrites `block` in its file. */
export async function writeBlock(block: GeneratedBlock, root = ROOT): Promise<void> {
  const file = path.join(root, block.file);
  const next = await renderedFile(block, root);
  if (next !== fs.readFileSync(file, "utf8")) fs.writeFileSync(file, next);
}

/**
 * Writes `text` as the block `name` of `file` (for numbers that come from a run, not from code:
 * `npm run bench` writes its report into docs/benchmarks.md this way).
 */
export async function writeGeneratedText(file: string, name: string, text: string): Promise<void> {
  await writeBlock({ name, file, render: () => text });
}

/** The bench report committed in docs/benchmarks.md (written by the last full `npm run bench`). */
export const BENCHMARKS_BLOCK: GeneratedBlock = {
  name: "benchmarks",
  file: "docs/benchmarks.md",
  render: () => {
    throw new Error("docs/benchmarks.md is written by a full npm run bench, not rendered");
  },
};

if (require.main === module) {
  void (async () => {
    if (process.argv.includes("--print")) {
      // For test/docs.test.ts: Prettier 3 loads its parsers with import(), which Jest's VM refuses.
      const rendered: Record<string, string> = {};
      for (const block of GENERATED_BLOCKS) rendered[block.name] = await renderedBlock(block);
      process.stdout.write(JSON.stringify(rendered));
      return;
    }
    for (const block of GENERATED_BLOCKS) await writeBlock(block);
    console.log(`docs: ${GENERATED_BLOCKS.map((b) => `${b.file}#${b.name}`).join(", ")} rewritten`);
  })();
}
