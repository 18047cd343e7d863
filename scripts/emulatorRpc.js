/**
 * An RPC call to the local emulator through Alibaba's generic OpenAPI runtime, signed with the
 * emulator's default test AccessKey: what the bench scripts use to drive IMS and Mns-open.
 * Needs the built emulator package (packages/emulator/dist).
 */
const { URL } = require("node:url");

/**
 * Returns `call(query)`: one `action` of API `version` at `endpoint` (e.g. the emulator's regional
 * URL), resolving with the runtime's response.
 */
function emulatorRpc(endpoint, action, version) {
  const OpenApi = require("@alicloud/openapi-core");
  const { RuntimeOptions } = require("@darabonba/typescript");
  const { DEFAULT_TEST_ACCOUNT } = require("pulumi-alicloud-ims-emulator");
  const key = DEFAULT_TEST_ACCOUNT.accessKeys[0];
  const client = new OpenApi.default(
    new OpenApi.$OpenApiUtil.Config({
      accessKeyId: key.id,
      accessKeySecret: key.secret,
      endpoint: new URL(endpoint).host,
      protocol: "http",
    }),
  );
  const params = new OpenApi.$OpenApiUtil.Params({
    action,
    version,
    protocol: "HTTP",
    pathname: "/",
    method: "POST",
    authType: "AK",
    style: "RPC",
    reqBodyType: "formData",
    bodyType: "json",
  });
  // This runtime and @alicloud/mns share httpx's keep-alive agent: a read timer this runtime leaves
  // on a socket fires after readTimeout and fails the MNS call then using that socket (the queue
  // consumer bench's fill of 2000 messages, right after CreateQueue). A long one never fires in a run.
  return (query = {}) =>
    client.callApi(
      params,
      new OpenApi.$OpenApiUtil.OpenApiRequest({ query }),
      new RuntimeOptions({ readTimeout: 600_000 }),
    );
}

module.exports = { emulatorRpc };
