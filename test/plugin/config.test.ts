/**
 * The plugin's configuration reaches the runtime under the keys the dynamic provider's runtime
 * reads, from a Configure request's variables or arguments, secrets unwrapped.
 */
import { ConfigureRequest } from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { configFromRequest } from "../../lib/plugin/config";

it("maps variables onto the runtime's alicloud:* and ims-callback:* keys", () => {
  const request = new ConfigureRequest();
  const variables = request.getVariablesMap();
  variables.set("alicloud-ims-callback:config:accessKey", "AKID");
  variables.set("alicloud-ims-callback:secretKey", "Secret1");
  variables.set("alicloud-ims-callback:endpoints", '{"cn-shanghai":"http://127.0.0.1:1"}');
  variables.set("alicloud-ims-callback:mnsOpenEndpoint", "http://127.0.0.1:2");
  variables.set("alicloud-ims-callback:toString", "not a key");
  const config = configFromRequest(request);
  expect(config.get("alicloud:accessKey")).toBe("AKID");
  expect(config.get("alicloud:secretKey")).toBe("Secret1");
  expect(config.get("ims-callback:endpoints")).toBe('{"cn-shanghai":"http://127.0.0.1:1"}');
  expect(JSON.parse(config.get("alicloud:endpoints")!)).toEqual([
    { mnsOpen: "http://127.0.0.1:2" },
  ]);
  expect(config.get("ims-callback:toString")).toBeUndefined();
});

it("reads an explicit provider's arguments, secrets included, and numbers as text", () => {
  const request = new ConfigureRequest();
  request.setArgs(
    Struct.fromJavaScript({
      secretKey: { [specialSigKey]: specialSecretSig, value: "Secret2" },
      timeoutMs: 500,
    }),
  );
  const config = configFromRequest(request);
  expect(config.get("alicloud:secretKey")).toBe("Secret2");
  expect(config.get("ims-callback:timeoutMs")).toBe("500");
});
