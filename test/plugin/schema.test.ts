/**
 * schema.json, the plugin's contract with other languages, is generated from the TSDoc and types of
 * the program classes (scripts/schema.ts): it must be current, and say what the TypeScript API says
 * about secrets and closed value sets.
 */
import * as fs from "node:fs";
import { renderSchema, SCHEMA_FILE } from "../../scripts/schema";

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
