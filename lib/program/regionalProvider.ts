/**
 * The alicloud provider of a component's regional children. `alicloud.message.ServiceQueue` has no
 * region input: a queue lands in its provider's region, and IMS silently drops every event when that
 * is not the region of the callback setting. So a component either uses the provider its options
 * give, checked against its region, or derives one for its region from the stack's `alicloud:*`
 * config.
 *
 * @packageDocumentation
 */
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";

/** Provider arguments that `alicloud.Provider` sends as JSON text (objects, lists, booleans, numbers). */
const JSON_ENCODED_PROVIDER_ARGS = [
  "assumeRole",
  "assumeRoleWithOidc",
  "clientConnectTimeout",
  "clientReadTimeout",
  "endpoints",
  "features",
  "maxRetryTimeout",
  "signVersion",
  "skipRegionValidation",
] as const satisfies readonly (keyof alicloud.ProviderArgs)[];

/** Provider arguments that are or may hold credentials: kept secret in the derived provider's state. */
const SENSITIVE_PROVIDER_ARGS = [
  "accessKey",
  "secretKey",
  "securityToken",
  "assumeRole",
  "assumeRoleWithOidc",
  "credentialsUri",
] as const satisfies readonly (keyof alicloud.ProviderArgs)[];

/**
 * The arguments of an alicloud provider for `region` that is configured like the stack's default
 * provider: every `alicloud:*` stack config value (credentials, endpoints, protocol, account, ...)
 * with the region replaced. Credentials are kept secret.
 */
export function regionalProviderArgs(region: pulumi.Input<string>): alicloud.ProviderArgs {
  const args: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith("alicloud:")) continue;
    const arg = key.slice("alicloud:".length);
    let value: unknown = (JSON_ENCODED_PROVIDER_ARGS as readonly string[]).includes(arg)
      ? parseJson(key, text)
      : text;
    if ((SENSITIVE_PROVIDER_ARGS as readonly string[]).includes(arg)) value = pulumi.secret(value);
    args[arg] = value;
  }
  return { ...args, region } as alicloud.ProviderArgs;
}

/**
 * Whether the region of `provider` equals `region`. When it does not (or the provider has none),
 * the error, naming both regions and the fix, is logged against `component`, which fails the
 * deployment at preview. (An error thrown from an Output would leave the outputs of the resources
 * using it unresolved and the program waiting for them.) Providers that are not `alicloud.Provider`
 * objects cannot be read and pass.
 */
export function providerRegionMatches(
  name: string,
  component: pulumi.Resource,
  provider: pulumi.ProviderResource,
  region: pulumi.Input<string>,
): pulumi.Output<boolean> {
  if (!alicloud.Provider.isInstance(provider)) return pulumi.output(true);
  return pulumi.all([provider.region, region]).apply(([providerRegion, wanted]) => {
    const problem = providerRegionProblem(name, providerRegion, wanted);
    if (problem) void pulumi.log.error(problem, component);
    return problem === undefined;
  });
}

/**
 * Why a provider of `providerRegion` cannot hold the queue of a component in `region`, or
 * `undefined` when it can.
 *
 * @internal
 */
export function providerRegionProblem(
  component: string,
  providerRegion: string | undefined,
  region: string,
): string | undefined {
  if (providerRegion === region) return undefined;
  const has = providerRegion ? `is for region "${providerRegion}"` : "has no region";
  return (
    `ImsCallback "${component}": the alicloud provider given in the component's options ${has}, but region is ` +
    `"${region}". The queue would land in another region than the callback setting, and IMS would drop every ` +
    `event. Pass a provider whose region is "${region}", or pass none and the component derives one.`
  );
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`Stack config ${key} is not valid JSON; fix it with pulumi config set --path.`);
  }
}
