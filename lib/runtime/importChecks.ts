/**
 * What `pulumi import` of a region's setting refuses, and the messages that say why and what to do
 * instead. The engine writes every input an import returns into the generated code in clear and
 * stores it in the state, and only warns ("almost certainly a bug in the provider") when those
 * inputs fail `check`, leaving a program that fails at preview. So a setting is imported only when
 * the code generated from it previews clean and shows nothing that may be a secret.
 *
 * @packageDocumentation
 */
import { isDocumentedRegion } from "../shared/regions";
import { describeSetting, isConfigured, type CallbackSetting } from "../shared/setting";
import { urlHasHiddenParts } from "../shared/url";
import { validateCallbackInputs } from "../shared/validation";
import type { EventCallbackInputs } from "./eventCallbackOperations";

/**
 * The inputs an import of the setting `live` returns, which the generated code declares: the
 * setting without the key (a region with authentication on gets `keepExistingAuthKey: true`), and
 * no input left at its default.
 */
export function importedInputs(region: string, live: CallbackSetting): EventCallbackInputs {
  const http = live.callbackType === "HTTP";
  return {
    region,
    callbackType: live.callbackType as "HTTP" | "MNS",
    ...(http ? { callbackUrl: live.callbackUrl } : { queueName: live.queueName }),
    eventTypes: [...live.eventTypes],
    ...(http && live.authSwitch === "on" ? { keepExistingAuthKey: true } : {}),
    ...(isDocumentedRegion(region) ? {} : { allowUndocumentedRegion: true }),
  };
}

/**
 * Why the setting `live` of `region` cannot be imported (nothing configured, code that would fail
 * validation, a URL that may hold a secret), with what to do instead; `undefined` when it can.
 * Never shows a secret: the URL appears only in its safe form, the key never.
 *
 * @internal
 */
export function importProblem(region: string, live: CallbackSetting): string | undefined {
  if (!isConfigured(live)) return nothingToImportMessage(region);
  return importRefusal(region, live, importedInputs(region, live));
}

/** The error for a region with nothing configured: there is nothing to import. */
function nothingToImportMessage(region: string): string {
  return (
    `There is no IMS event callback setting to import in ${region}: nothing is configured there ` +
    "(no callback URL or queue, no event types). To set one from Pulumi, declare an EventCallback " +
    `for ${region} in the program and run "pulumi up" instead.`
  );
}

/** Why the configured setting `live` cannot be imported with `inputs`, or `undefined`. */
function importRefusal(
  region: string,
  live: CallbackSetting,
  inputs: EventCallbackInputs,
): string | undefined {
  const found = `The IMS event callback setting in ${region} (${describeSetting(live)}) cannot be imported`;
  const errors = validateCallbackInputs(inputs).filter((p) => p.severity === "error");
  if (errors.length > 0) {
    return (
      `${found}: the code "pulumi import" generates from it would fail validation at preview:\n` +
      errors.map((p) => `  - ${p.reason}\n`).join("") +
      "Change the setting in the IMS console as the message says and import again; or declare the setting " +
      'you want in the program with adoptExisting: true and run "pulumi up", which takes the region over ' +
      "and writes that setting (destroy puts the one found back)."
    );
  }
  if (live.callbackType === "HTTP" && urlHasHiddenParts(live.callbackUrl)) {
    const declaration = [
      `region: "${region}"`,
      'callbackType: "HTTP"',
      'callbackUrl: the secret config value (e.g. config.requireSecret("callbackUrl"))',
      `eventTypes: ${JSON.stringify(live.eventTypes)}`,
      ...(live.authSwitch === "on" ? ["keepExistingAuthKey: true"] : []),
      "adoptExisting: true",
    ];
    return (
      `${found}: its callback URL holds user information, a query or a fragment (shown as "…"), which may ` +
      'carry a password or a token, and "pulumi import" writes every input it imports into the generated ' +
      "code and the state in clear. Adopt it from the program instead, with the URL as a secret: run " +
      `"pulumi config set --secret callbackUrl '<the URL>'", declare an EventCallback with ${declaration.join(", ")}, ` +
      'and run "pulumi up": it records the setting as it is, without writing it, and keeps the URL secret in the state.'
    );
  }
  return undefined;
}
