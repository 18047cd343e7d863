#!/usr/bin/env node
/**
 * `ims-callback-adopt` (also `pulumi-resource-alicloud-ims-callback adopt`): adoption of a whole
 * account in one step. Reads every IMS region's callback setting, prints them as a table (the key
 * never shown), and writes a `pulumi import --file` document for the regions that have one that
 * `pulumi import` takes (the others are listed with the reason and what to do instead):
 *
 * ```bash
 * ims-callback-adopt --out ims-callback-import.json
 * pulumi import --file ims-callback-import.json
 * ```
 *
 * Credentials and endpoints come from the environment, as for the provider
 * (`ALIBABA_CLOUD_ACCESS_KEY_ID`/`_SECRET`, a profile, `IMS_CALLBACK_ENDPOINTS`, ...). Options:
 * `--out <file>` (default `ims-callback-import.json`), `--region <id>` (repeatable: only these
 * regions, documented or not).
 *
 * @packageDocumentation
 */
import * as fs from "node:fs";
import { configuredCredentialSecrets, importProblem, readCallbackSetting } from "../runtime";
import { redact } from "../shared/redaction";
import { IMS_REGIONS } from "../shared/regions";
import { isConfigured, type CallbackSetting } from "../shared/setting";
import { describeUrl } from "../shared/url";
import { PLUGIN_EVENT_CALLBACK_TYPE } from "../shared/contract";

/** One region as the command found it. */
export interface RegionSetting {
  readonly region: string;
  /** The setting, or the (redacted) reason it could not be read. */
  readonly setting?: CallbackSetting;
  readonly error?: string;
}

/** The `pulumi import --file` document (resources only; the engine fills in the rest). */
export interface ImportDocument {
  readonly resources: { type: string; name: string; id: string }[];
}

/** Reads the setting of each region; a failure is reported for its region only. */
export async function readRegions(regions: readonly string[]): Promise<RegionSetting[]> {
  return Promise.all(
    regions.map(async (region) => {
      try {
        return { region, setting: await readCallbackSetting(region) };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { region, error: redact(message, configuredCredentialSecrets()) };
      }
    }),
  );
}

/** The table printed for the regions: one row each, the key never shown. */
export function settingsTable(rows: readonly RegionSetting[]): string {
  const header = ["REGION", "METHOD", "TARGET", "EVENTS", "AUTHENTICATION"];
  const cells = rows.map(({ region, setting, error }) => {
    if (error) return [region, "?", `error: ${error}`, "", ""];
    if (!setting || !isConfigured(setting)) return [region, "-", "(nothing configured)", "", ""];
    const http = setting.callbackType === "HTTP";
    return [
      region,
      setting.callbackType,
      http ? describeUrl(setting.callbackUrl) : setting.queueName,
      setting.eventTypes.join(","),
      http ? (setting.authSwitch === "on" ? "on (key ********)" : "off") : "-",
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  return [header, ...cells]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * The configured regions that `pulumi import` would refuse, each with the reason and what to do
 * instead (never a secret): the import document leaves them out.
 */
export function unimportable(rows: readonly RegionSetting[]): { region: string; reason: string }[] {
  return rows.flatMap(({ region, setting }) => {
    const reason = setting && isConfigured(setting) ? importProblem(region, setting) : undefined;
    return reason ? [{ region, reason }] : [];
  });
}

/**
 * The import document for the configured regions that `pulumi import` takes (each resource named
 * after its region); see {@link unimportable} for the others.
 */
export function importDocument(rows: readonly RegionSetting[]): ImportDocument {
  const refused = new Set(unimportable(rows).map((row) => row.region));
  return {
    resources: rows
      .filter((row) => row.setting && isConfigured(row.setting) && !refused.has(row.region))
      .map((row) => ({ type: PLUGIN_EVENT_CALLBACK_TYPE, name: row.region, id: row.region })),
  };
}

/** Runs the command with `args` (without the command name); returns the exit code. */
export async function adopt(args: readonly string[]): Promise<number> {
  let out = "ims-callback-import.json";
  const regions: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--out" && args[i + 1]) out = args[++i];
    else if (args[i] === "--region" && args[i + 1]) regions.push(args[++i]);
    else {
      process.stderr.write(
        `Unknown argument ${JSON.stringify(args[i])}. Usage: ims-callback-adopt [--out <file>] [--region <id>]...\n`,
      );
      return 2;
    }
  }
  const rows = await readRegions(regions.length > 0 ? regions : IMS_REGIONS);
  process.stdout.write(`${settingsTable(rows)}\n\n`);
  const document = importDocument(rows);
  for (const { region, reason } of unimportable(rows)) {
    process.stdout.write(`Left out of ${out}: ${region}. ${reason}\n\n`);
  }
  fs.writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(
    document.resources.length > 0
      ? `${out}: ${document.resources.length} configured region(s). Adopt them with:\n  pulumi import --file ${out}\n`
      : `${out}: no configured region, nothing to import.\n`,
  );
  return rows.some((row) => row.error) ? 1 : 0;
}

if (require.main === module) {
  adopt(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${redact(message, configuredCredentialSecrets())}\n`);
      process.exitCode = 1;
    },
  );
}
