/**
 * The alicloud provider settings that point the plugin at the emulator (checked against the real
 * plugin through the engine by the end-to-end suites; here: their shape and the secret marking).
 */
import { alicloudProviderSettings, alicloudStackConfig, DEFAULT_TEST_ACCOUNT } from "../src";

const emulator = {
  endpoints: { "cn-shanghai": "http://127.0.0.1:40125", "cn-beijing": "http://127.0.0.1:40123" },
};

it("points RAM, STS and Mns-open at the region's listener as host:port, over HTTP, with the account id and type set", () => {
  expect(alicloudProviderSettings(emulator, DEFAULT_TEST_ACCOUNT, "cn-beijing")).toEqual({
    region: "cn-beijing",
    accessKey: DEFAULT_TEST_ACCOUNT.accessKeys[0].id,
    secretKey: DEFAULT_TEST_ACCOUNT.accessKeys[0].secret,
    accountId: DEFAULT_TEST_ACCOUNT.accountId,
    accountType: "Domestic",
    protocol: "HTTP",
    endpoints: [{ ram: "127.0.0.1:40123", sts: "127.0.0.1:40123", mnsOpen: "127.0.0.1:40123" }],
  });
});

it("as stack config: the secret key is secret, endpoints are JSON", () => {
  const config = alicloudStackConfig(emulator, DEFAULT_TEST_ACCOUNT, "cn-shanghai");
  expect(config["alicloud:secretKey"]).toEqual({
    value: DEFAULT_TEST_ACCOUNT.accessKeys[0].secret,
    secret: true,
  });
  expect(Object.values(config).filter((entry) => entry.secret)).toHaveLength(1);
  expect(JSON.parse(config["alicloud:endpoints"].value)).toEqual([
    { ram: "127.0.0.1:40125", sts: "127.0.0.1:40125", mnsOpen: "127.0.0.1:40125" },
  ]);
});

it("names the regions it has when asked for another", () => {
  expect(() => alicloudProviderSettings(emulator, DEFAULT_TEST_ACCOUNT, "us-west-1")).toThrow(
    "served: cn-shanghai, cn-beijing",
  );
});
