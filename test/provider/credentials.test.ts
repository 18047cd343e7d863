import { resolveCredential, type StackConfigReader } from "../../lib/provider/credentials";

const config = (values: Record<string, string>): StackConfigReader => ({ get: (k) => values[k] });

describe("resolveCredential", () => {
  const env = {
    ALICLOUD_ACCESS_KEY: "envAliId",
    ALICLOUD_SECRET_KEY: "envAliSecret",
    ALIBABA_CLOUD_ACCESS_KEY_ID: "envAlibabaId",
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: "envAlibabaSecret",
    ALIBABA_CLOUD_SECURITY_TOKEN: "envToken",
  };

  it("prefers stack config over every environment variable", async () => {
    const { credential, source } = resolveCredential(config({ "alicloud:accessKey": "cfgId", "alicloud:secretKey": "cfgSecret" }), env);
    expect(source).toBe("stack-config");
    expect(await credential.getAccessKeyId()).toBe("cfgId");
    expect(await credential.getAccessKeySecret()).toBe("cfgSecret");
  });

  it("uses an STS token from stack config", async () => {
    const { credential } = resolveCredential(config({ "alicloud:accessKey": "STS.id", "alicloud:secretKey": "s", "alicloud:securityToken": "tok" }), {});
    expect(await credential.getSecurityToken()).toBe("tok");
    expect(credential.getType()).toBe("sts");
  });

  it("falls back to the alicloud provider's variables, then the Alibaba SDK's", async () => {
    const first = resolveCredential(config({}), env);
    expect(first.source).toBe("environment");
    expect(await first.credential.getAccessKeyId()).toBe("envAliId");
    const { ALICLOUD_ACCESS_KEY: _a, ALICLOUD_SECRET_KEY: _b, ...alibabaOnly } = env;
    const second = resolveCredential(undefined, alibabaOnly);
    expect(await second.credential.getAccessKeyId()).toBe("envAlibabaId");
    expect(await second.credential.getSecurityToken()).toBe("envToken");
  });

  it("ignores half a pair and ends at the default chain", () => {
    expect(resolveCredential(config({ "alicloud:accessKey": "only-id" }), { ALICLOUD_ACCESS_KEY: "x" }).source).toBe("default-chain");
  });

  it("uses a named CLI profile from alicloud:profile", () => {
    expect(resolveCredential(config({ "alicloud:profile": "prod" }), env).source).toBe("stack-config-profile");
  });
});
