import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  IncompleteCredentialsError,
  resolveCredential,
  type StackConfigReader,
} from "../../lib/shared/credentials";

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
    const { credential, source } = resolveCredential(
      config({ "alicloud:accessKey": "cfgId", "alicloud:secretKey": "cfgSecret" }),
      env,
    );
    expect(source).toBe("stack-config");
    expect(await credential.getAccessKeyId()).toBe("cfgId");
    expect(await credential.getAccessKeySecret()).toBe("cfgSecret");
  });

  it("uses an STS token from stack config", async () => {
    const { credential } = resolveCredential(
      config({
        "alicloud:accessKey": "STS.id",
        "alicloud:secretKey": "s",
        "alicloud:securityToken": "tok",
      }),
      {},
    );
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

  it.each([
    [
      { "alicloud:accessKey": "only-id" },
      "alicloud:accessKey is set but alicloud:secretKey is not",
      "pulumi config set --secret alicloud:secretKey",
    ],
    [
      { "alicloud:secretKey": "only-secret" },
      "alicloud:secretKey is set but alicloud:accessKey is not",
      "pulumi config set alicloud:accessKey",
    ],
    [
      { "alicloud:securityToken": "tok" },
      "alicloud:securityToken is set but alicloud:accessKey and alicloud:secretKey are not",
      "alicloud:accessKey",
    ],
  ])(
    "refuses half a pair in stack config, naming it, even when the environment has a full pair: %j",
    (values, says, fix) => {
      const attempt = () => resolveCredential(config(values), env);
      expect(attempt).toThrow(IncompleteCredentialsError);
      expect(attempt).toThrow(`Incomplete Alibaba Cloud credentials in the stack config: ${says}.`);
      expect(attempt).toThrow(fix);
      for (const value of Object.values(values)) expect(attempt).not.toThrow(value);
    },
  );

  it.each([
    [{ ALICLOUD_ACCESS_KEY: "x" }, "ALICLOUD_ACCESS_KEY is set but ALICLOUD_SECRET_KEY is not"],
    [
      {
        ALICLOUD_SECRET_KEY: "x",
        ALIBABA_CLOUD_ACCESS_KEY_ID: "i",
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s",
      },
      "ALICLOUD_SECRET_KEY is set but ALICLOUD_ACCESS_KEY is not",
    ],
    [
      { ALIBABA_CLOUD_ACCESS_KEY_ID: "x" },
      "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not",
    ],
    [
      { ALIBABA_CLOUD_ACCESS_KEY_SECRET: "x" },
      "ALIBABA_CLOUD_ACCESS_KEY_SECRET is set but ALIBABA_CLOUD_ACCESS_KEY_ID is not",
    ],
  ])("refuses half a pair in the environment, naming the variables: %j", (variables, says) => {
    expect(() => resolveCredential(config({}), variables)).toThrow(
      `Incomplete Alibaba Cloud credentials in the environment: ${says}.`,
    );
  });

  it("does not look at the environment when stack config has a full pair", () => {
    expect(
      resolveCredential(config({ "alicloud:accessKey": "cfgId", "alicloud:secretKey": "s" }), {
        ALICLOUD_ACCESS_KEY: "half",
      }).source,
    ).toBe("stack-config");
  });

  it("uses a named CLI profile from alicloud:profile", () => {
    expect(resolveCredential(config({ "alicloud:profile": "prod" }), env).source).toBe(
      "stack-config-profile",
    );
  });
});

describe("the credentials chain when nothing is configured in stack config or the environment", () => {
  const fixture = path.join(__dirname, "..", "runtime", "fixtures", "credentialLookup.ts");
  let home: string;

  interface Lookup {
    error?: { name: string; message: string };
    accessKeyId?: string;
    opened: string[];
    contacted: number;
  }
  /** One lookup and one IMS call in a fresh process whose home is `home` and whose environment has no credential variables. */
  const lookUp = (
    values: Record<string, string> = {},
    extraEnv: Record<string, string> = {},
  ): Lookup => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(ALIBABA_CLOUD_|ALICLOUD_)/.test(name)),
    );
    const run = spawnSync(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", fixture, JSON.stringify(values)],
      {
        env: { ...env, HOME: home, ...extraEnv },
        encoding: "utf8",
      },
    );
    if (run.status !== 0) throw new Error(run.stderr);
    return JSON.parse(run.stdout) as Lookup;
  };

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "ims-credentials-home-"));
  });
  afterEach(() => {
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("fails with no credentials found, naming where it looked, and opens no connection to anywhere", () => {
    const { error, opened, contacted } = lookUp();
    expect(error?.name).toBe("CredentialsNotFoundError");
    expect(error?.message).toMatch(
      /^No Alibaba Cloud credentials found\. Looked at: stack config alicloud:accessKey\/alicloud:secretKey and alicloud:profile; environment /,
    );
    for (const place of [
      "ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY",
      "ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET",
      `Alibaba Cloud CLI config ${path.join(home, ".aliyun", "config.json")} (absent)`,
      `credentials file ${path.join(home, ".alibabacloud", "credentials")} (absent)`,
      "OIDC role (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE: not set)",
      "ECS RAM role (alicloud:ecsRoleName / ALIBABA_CLOUD_ECS_METADATA: not set; the metadata service is not asked otherwise)",
      "credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI: not set)",
      "pulumi config set --secret alicloud:secretKey",
    ]) {
      expect(error?.message).toContain(place);
    }
    expect(error?.message).not.toMatch(/network|ECONN|undefined/i);
    expect(opened).toEqual([]);
    expect(contacted).toBe(0);
  });

  it("names a partly configured OIDC role instead of trying it", () => {
    const { error, opened } = lookUp({}, { ALIBABA_CLOUD_ROLE_ARN: "acs:ram::1:role/x" });
    expect(error?.name).toBe("CredentialsNotFoundError");
    expect(error?.message).toContain(
      "OIDC role (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE: only ALIBABA_CLOUD_ROLE_ARN set)",
    );
    expect(opened).toEqual([]);
  });

  it("uses an AccessKey profile of the credentials file, then of the CLI config, with no connection but to the endpoint", () => {
    fs.mkdirSync(path.join(home, ".alibabacloud"));
    fs.writeFileSync(
      path.join(home, ".alibabacloud", "credentials"),
      "[default]\ntype = access_key\naccess_key_id = fileId\naccess_key_secret = fileSecret\n",
    );
    const fromFile = lookUp();
    expect(fromFile.accessKeyId).toBe("fileId");
    expect(fromFile.contacted).toBe(1);
    expect(
      fromFile.opened.filter((o) => /^\d/.test(o)).every((o) => o.startsWith("127.0.0.1:")),
    ).toBe(true);

    fs.mkdirSync(path.join(home, ".aliyun"));
    const profiles = {
      current: "p",
      profiles: [{ name: "p", mode: "AK", access_key_id: "cliId", access_key_secret: "cliSecret" }],
    };
    fs.writeFileSync(path.join(home, ".aliyun", "config.json"), JSON.stringify(profiles));
    expect(lookUp().accessKeyId).toBe("cliId");
  });

  it("reports a broken CLI config without quoting its content", () => {
    fs.mkdirSync(path.join(home, ".aliyun"));
    fs.writeFileSync(
      path.join(home, ".aliyun", "config.json"),
      '{"profiles": [{"access_key_secret": "LeakCanary9x"',
    );
    const { error, opened } = lookUp();
    expect(error?.message).toContain(
      `Alibaba Cloud CLI config ${path.join(home, ".aliyun", "config.json")}: parse aliyun cli config from`,
    );
    expect(error?.message).not.toContain("LeakCanary9x");
    expect(opened).toEqual([]);
  });
});
