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
import { imsCallbackPolicies } from "../lib/policy";
import { PROVIDER_SETTINGS, type ProviderSetting } from "../lib/runtime/settings";
import { CREDENTIAL_SETTINGS, type CredentialSetting } from "../lib/shared/credentials";

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
 * The configuration reference: the provider's settings from their one table (lib/runtime/settings.ts),
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

/** Every generated block of docs/. */
export const GENERATED_BLOCKS: readonly GeneratedBlock[] = [
  { name: "policies", file: "docs/policy-pack.md", render: renderPolicyTable },
  { name: "configuration", file: "docs/configuration.md", render: () => renderConfiguration() },
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
