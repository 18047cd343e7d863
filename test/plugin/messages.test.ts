/**
 * On the provider plugin's path, every message about configuration names what the plugin reads
 * (`alicloud-ims-callback:*`, never the dynamic provider's `alicloud:*` / `ims-callback:*`), and
 * following its advice works: each test sets what the message says, in a stack config of which the
 * plugin receives only its own package's keys (as the engine does), and the same call succeeds.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_TEST_ACCOUNT } from "pulumi-alicloud-ims-emulator";
import { pluginConfigKey } from "../../lib/plugin/config";
import { credentialSourcesText } from "../../lib/shared/credentials";
import { useRuntimeTestEmulator } from "../helpers/emulator";
import { pluginWith } from "../helpers/plugin";

const ACCOUNT = DEFAULT_TEST_ACCOUNT.accountId;
const [{ id: ACCESS_KEY_ID, secret: ACCESS_KEY_SECRET }] = DEFAULT_TEST_ACCOUNT.accessKeys;
const PACKAGE = "alicloud-ims-callback";
const URN = `urn:pulumi:dev::messages::${PACKAGE}:index:EventCallback::media`;
const harness = useRuntimeTestEmulator("ims-plugin-messages-");

beforeAll(() => {
  process.env.IMS_CALLBACK_RACE_CHECK_DELAY_MS = "0";
});
beforeEach(() => {
  // Nothing from the environment: the stack config below is the only source.
  for (const name of [
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALICLOUD_ACCESS_KEY",
    "ALICLOUD_SECRET_KEY",
    "IMS_CALLBACK_ENDPOINTS",
    "IMS_CALLBACK_TIMEOUT_MS",
    "IMS_CALLBACK_MAX_ATTEMPTS",
  ]) {
    delete process.env[name];
  }
});

/** A stack config that sets the emulator's endpoints and the test account's AccessKey for the plugin. */
const workingConfig = (): Record<string, string> => ({
  [`${PACKAGE}:accessKey`]: ACCESS_KEY_ID,
  [`${PACKAGE}:secretKey`]: ACCESS_KEY_SECRET,
  [`${PACKAGE}:endpoints`]: JSON.stringify(harness.emulator.endpoints),
  [`${PACKAGE}:maxAttempts`]: "1",
});

/** `pulumi up` of one EventCallback: check, then create; the error message when it fails. */
async function upWith(stackConfig: Record<string, string>, region: string): Promise<string> {
  await harness.emulator.clearSetting(region, ACCOUNT);
  const plugin = await pluginWith(stackConfig);
  const checked = await plugin.check(
    URN,
    {},
    {
      region,
      callbackType: "HTTP",
      callbackUrl: "https://media.example.com/ims",
      eventTypes: ["ProduceMediaComplete"],
    },
  );
  expect(checked.failures).toEqual([]);
  try {
    await plugin.create(URN, checked.inputs!);
    return "";
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * The stack config keys a message tells to set, in order: `pulumi config set [--secret] <key>` or
 * `stack config <key> must be ...`.
 */
function namedKeys(message: string): string[] {
  return [
    ...message.matchAll(
      /(?:pulumi config set(?: --secret)? ([\w-]+:\w+))|(?:stack config ([\w-]+:\w+) must be)/g,
    ),
  ].map((m) => m[1] ?? m[2]);
}

/** Names no key of the dynamic provider's namespaces (`alicloud:*`, `ims-callback:*`). */
function expectOnlyPluginKeys(message: string): void {
  expect(message).not.toMatch(/(^|[^-\w])(alicloud|ims-callback):\w/);
}

it("an invalid alicloud-ims-callback:timeoutMs is named as that key; setting it as the message says works", async () => {
  const message = await upWith(
    { ...workingConfig(), [`${PACKAGE}:timeoutMs`]: "soon" },
    "cn-shanghai",
  );
  expect(message).toContain(`stack config ${PACKAGE}:timeoutMs must be a whole number`);
  expectOnlyPluginKeys(message);
  const fixed = { ...workingConfig(), [namedKeys(message)[0]]: "5000" };
  expect(await upWith(fixed, "cn-shanghai")).toBe("");
});

it("malformed alicloud-ims-callback:endpoints are named as that key; setting it as the message says works", async () => {
  const message = await upWith(
    { ...workingConfig(), [`${PACKAGE}:endpoints`]: "emulator" },
    "cn-beijing",
  );
  expect(message).toContain(`stack config ${PACKAGE}:endpoints must be a JSON object`);
  expectOnlyPluginKeys(message);
  const fixed = {
    ...workingConfig(),
    [namedKeys(message)[0]]: JSON.stringify(harness.emulator.endpoints),
  };
  expect(await upWith(fixed, "cn-beijing")).toBe("");
});

it("an unreachable endpoint's hint names alicloud-ims-callback:endpoints", async () => {
  const message = await upWith(
    { ...workingConfig(), [`${PACKAGE}:endpoints`]: '{"cn-hangzhou":"http://127.0.0.1:1"}' },
    "cn-hangzhou",
  );
  expect(message).toContain("ECONNREFUSED");
  expect(message).toContain(`${PACKAGE}:endpoints`);
  expectOnlyPluginKeys(message);
});

it("a half-configured AccessKey pair names alicloud-ims-callback:secretKey; setting it as the message says works", async () => {
  const { [`${PACKAGE}:secretKey`]: _secret, ...withoutSecret } = workingConfig();
  const message = await upWith(withoutSecret, "cn-shenzhen");
  expect(message).toContain(`pulumi config set --secret ${PACKAGE}:secretKey`);
  expectOnlyPluginKeys(message);
  const [missing] = namedKeys(message);
  expect(await upWith({ ...withoutSecret, [missing]: ACCESS_KEY_SECRET }, "cn-shenzhen")).toBe("");
});

it("no credentials at all: the message says to set alicloud-ims-callback:accessKey and :secretKey, and that works", async () => {
  const {
    [`${PACKAGE}:accessKey`]: _id,
    [`${PACKAGE}:secretKey`]: _secret,
    ...noCredentials
  } = workingConfig();
  const message = await upWith(noCredentials, "ap-southeast-1");
  expect(message).toContain("No Alibaba Cloud credentials found");
  expect(message).toContain(`pulumi config set ${PACKAGE}:accessKey <id>`);
  expect(message).toContain(`pulumi config set --secret ${PACKAGE}:secretKey <secret>`);
  // The plugin has no ECS role key: only the variable is named.
  expect(message).toContain("ECS RAM role (ALIBABA_CLOUD_ECS_METADATA: not set");
  expectOnlyPluginKeys(message);
  const [idKey, secretKey] = namedKeys(message);
  const fixed = { ...noCredentials, [idKey]: ACCESS_KEY_ID, [secretKey]: ACCESS_KEY_SECRET };
  expect(await upWith(fixed, "ap-southeast-1")).toBe("");
});

it("an unknown AccessKey id's hint names alicloud-ims-callback:accessKey/secretKey", async () => {
  const message = await upWith(
    { ...workingConfig(), [`${PACKAGE}:accessKey`]: "LTAIunknown000" },
    "us-west-1",
  );
  expect(message).toMatch(/InvalidAccessKeyId/);
  expect(message).toContain(`${PACKAGE}:accessKey`);
  expectOnlyPluginKeys(message);
});

describe("where credentials come from, in the documentation", () => {
  const root = path.join(__dirname, "..", "..");

  it("schema.json's EventCallback (what Go, Python and YAML users read) names the plugin's keys", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(root, "schema.json"), "utf8")) as {
      resources: Record<string, { description: string }>;
    };
    const { description } = schema.resources[`${PACKAGE}:index:EventCallback`];
    expect(description).toContain(credentialSourcesText(pluginConfigKey));
    expect(description).toContain(`\`${PACKAGE}:accessKey\`/\`${PACKAGE}:secretKey\``);
    expectOnlyPluginKeys(description);
  });

  it("the dynamic provider's EventCallback says the same text with its alicloud:* keys", () => {
    const source = fs.readFileSync(path.join(root, "lib", "program", "eventCallback.ts"), "utf8");
    const remarks = /@remarks\n((?: \*.*\n)+?) \*\n/.exec(source)?.[1] ?? "";
    const text = remarks
      .replace(/^ \* ?/gm, "")
      .replace(/\s+/g, " ")
      .trim();
    expect(text).toBe(credentialSourcesText());
  });
});
