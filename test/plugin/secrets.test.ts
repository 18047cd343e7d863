/** Secret wrappers of the provider protocol come off on the way in and go back on the way out. */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { secret, unwrapSecrets, wrapSecrets } from "../../lib/plugin/secrets";

const wrapped = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });

it("unwraps nested secrets and remembers the top-level properties that held one", () => {
  const { value, secretKeys } = unwrapSecrets({
    authKey: wrapped("Key1"),
    previousSetting: { authKey: wrapped("Old1"), callbackType: "HTTP" },
    region: "cn-shanghai",
  });
  expect(value).toEqual({
    authKey: "Key1",
    previousSetting: { authKey: "Old1", callbackType: "HTTP" },
    region: "cn-shanghai",
  });
  expect([...secretKeys].sort()).toEqual(["authKey", "previousSetting"]);
});

it("wraps the named properties that have a value, once", () => {
  const out = wrapSecrets(
    { authKey: "Key1", previousSetting: null, region: "r", url: secret("u") },
    ["authKey", "previousSetting", "url"],
  );
  expect(out).toEqual({
    authKey: wrapped("Key1"),
    previousSetting: null,
    region: "r",
    url: wrapped("u"),
  });
});
