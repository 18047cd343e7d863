/**
 * What `pulumi import` of a region's setting refuses, and the messages that say why and what to do
 * instead. The engine writes every input an import returns into the generated code in clear and
 * stores it in the state, and only warns ("almost certainly a bug in the provider") when those
 * inputs fail `check`, leaving a program that fails at preview. So a setting is imported only when
 * the code generated from it previews clean and shows nothing that may be a secret.
 *
 * @packageDocumentation
 */
import { describeSetting, type CallbackSetting } from "../shared/setting";
import { urlHasHiddenParts } from "../shared/url";
import { validateCallbackInputs, type CallbackInputsToValidate } from "../shared/validation";

/** The error for a region with nothing configured: there is nothing to import. */
export function nothingToImportMessage(region: string): string {
  return (
    `There is no IMS event callback setting to import in ${region}: nothing is configured there ` +
    "(no callback URL or queue, no event types). To set one from Pulumi, declare an EventCallback " +
    `for ${region} in the program and run "pulumi up" instead.`
  );
}

/**
 * Why the setting `live` of `region` cannot be imported with the inputs `inputs` (what the
 * generated code would declare), or `undefined` when it can. Never shows a secret: the URL appears
 * only in its safe form, the key never.
 */
export function importRefusal(
  region: string,
  live: CallbackSetting,
  inputs: CallbackInputsToValidate,
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
