/**
 * schema.json, the plugin's contract with other languages, is generated from the TSDoc and types of
 * the program classes (scripts/schema.ts): it must be current, and say what the TypeScript API says
 * about secrets and closed value sets.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { renderSchema, SCHEMA_FILE } from "../../scripts/schema";

const REPO_ROOT = path.join(__dirname, "..", "..");

interface Property {
  description?: string;
  secret?: boolean;
  $ref?: string;
}
interface Schema {
  config: { variables: Record<string, Property> };
  types: Record<string, { properties?: Record<string, Property>; enum?: { value: string }[] }>;
  resources: Record<
    string,
    { inputProperties: Record<string, Property>; properties: Record<string, Property> }
  >;
}

const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")) as Schema;
const EVENT_CALLBACK = "alicloud-ims-callback:index:EventCallback";
const IMS_CALLBACK = "alicloud-ims-callback:index:ImsCallback";

it("schema.json is what `npm run schema` writes from the current TSDoc (run it after changing the API)", () => {
  expect(fs.readFileSync(SCHEMA_FILE, "utf8")).toBe(renderSchema());
}, 120_000);

it("marks every auth key, the previous owner's setting and the AccessKey secret as secrets", () => {
  const setting = schema.resources[EVENT_CALLBACK];
  expect(setting.inputProperties.authKey.secret).toBe(true);
  expect(setting.properties.authKey.secret).toBe(true);
  expect(setting.properties.previousSetting.secret).toBe(true);
  expect(schema.resources[IMS_CALLBACK].properties.authKey.secret).toBe(true);
  expect(
    schema.types["alicloud-ims-callback:index:ImsCallbackHttpTarget"].properties?.authKey.secret,
  ).toBe(true);
  expect(schema.config.variables.secretKey.secret).toBe(true);
  expect(setting.inputProperties.callbackUrl.secret).toBeUndefined();
});

it("closed value sets are enums, and the shared authorization is a resource reference", () => {
  const values = (ref: string | undefined) =>
    schema.types[ref!.replace("#/types/", "")].enum?.map((e) => e.value);
  const inputs = schema.resources[EVENT_CALLBACK].inputProperties;
  expect(values(inputs.callbackType.$ref)).toEqual(["HTTP", "MNS"]);
  expect(values(inputs.deletionPolicy.$ref)).toEqual(["clear", "restore", "retain"]);
  expect(schema.resources[IMS_CALLBACK].inputProperties.authorization.$ref).toBe(
    "#/resources/alicloud-ims-callback:index:ImsQueueAuthorization",
  );
});

it("describes every property", () => {
  const described = (props: Record<string, Property> | undefined) =>
    Object.entries(props ?? {}).filter(([, p]) => !p.description?.trim());
  for (const resource of Object.values(schema.resources)) {
    expect(described(resource.inputProperties)).toEqual([]);
    expect(described(resource.properties)).toEqual([]);
  }
  for (const type of Object.values(schema.types)) expect(described(type.properties)).toEqual([]);
});

it("tells the CLI where to download the plugin (this repository's GitHub releases) and names the package in every language", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    name: string;
    repository?: { url: string };
    homepage?: string;
  };
  const [, owner, repo] =
    /github\.com\/([^/]+)\/([^/.]+)/.exec(manifest.repository?.url ?? "") ?? [];
  expect(owner && repo).toBeTruthy();
  const meta = schema as unknown as Record<string, unknown> & {
    keywords: string[];
    language: Record<string, Record<string, unknown>>;
  };
  expect(meta.pluginDownloadURL).toBe(`github://api.github.com/${owner}/${repo}`);
  expect(meta.repository).toBe(`https://github.com/${owner}/${repo}`);
  expect(meta.homepage).toBe(manifest.homepage);
  expect(meta.publisher).toEqual(expect.any(String));
  // The logo is a file of this repository, served from its default branch.
  const logo = `https://raw.githubusercontent.com/${owner}/${repo}/main/`;
  expect(String(meta.logoUrl).startsWith(logo)).toBe(true);
  expect(fs.existsSync(path.join(REPO_ROOT, String(meta.logoUrl).slice(logo.length)))).toBe(true);
  expect(meta.keywords.filter((k) => k.startsWith("category/"))).toHaveLength(1);
  expect(meta.keywords.filter((k) => k.startsWith("kind/"))).toHaveLength(1);
  expect(meta.language.nodejs.packageName).toBe(manifest.name);
  expect(meta.language.python.packageName).toBe("pulumi_alicloud_ims_callback");
  expect(meta.language.go.importBasePath).toBe(`github.com/${owner}/${repo}/sdk/go/imscallback`);
  expect(meta.language.java.basePackage).toMatch(/^[a-z][a-z0-9]*(\.[a-z][a-z0-9]*)+$/);
  expect(meta.language.csharp.rootNamespace).toMatch(/^[A-Z][A-Za-z0-9]*$/);
});
