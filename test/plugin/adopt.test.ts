/**
 * The adoption command's import document holds only regions that `pulumi import` takes: a region
 * whose import would be refused (a URL with a comma, or one that may carry a token) is left out and
 * listed with the reason, which never shows the URL's secret parts.
 */
import { DEFAULT_TEST_ACCOUNT } from "pulumi-alicloud-ims-emulator";
import { importDocument, readRegions, unimportable } from "../../lib/plugin/adopt";
import { PLUGIN_EVENT_CALLBACK_TYPE } from "../../lib/shared/contract";
import { useRuntimeTestEmulator } from "../helpers/emulator";

const ACCOUNT = DEFAULT_TEST_ACCOUNT.accountId;
const TOKEN = "AdoptTok3nQ8";
const SETTING = {
  CallbackType: "HTTP",
  CallbackURL: "https://console.example.com/ims",
  EventTypeList: "ProduceMediaComplete",
  AuthSwitch: "off",
};
const harness = useRuntimeTestEmulator("ims-adopt-");

test("leaves out of the import document the regions pulumi import would refuse, saying why", async () => {
  const { emulator } = harness;
  await emulator.putSetting("cn-shanghai", SETTING, ACCOUNT);
  await emulator.putSetting(
    "cn-beijing",
    { ...SETTING, CallbackURL: "https://console.example.com/ims/a,b" },
    ACCOUNT,
  );
  await emulator.putSetting(
    "cn-shenzhen",
    { ...SETTING, CallbackURL: `https://console.example.com/ims?token=${TOKEN}` },
    ACCOUNT,
  );
  const rows = await readRegions(["cn-shanghai", "cn-beijing", "cn-shenzhen", "cn-hangzhou"]);
  expect(importDocument(rows)).toEqual({
    resources: [{ type: PLUGIN_EVENT_CALLBACK_TYPE, name: "cn-shanghai", id: "cn-shanghai" }],
  });
  const refused = unimportable(rows);
  expect(refused).toEqual([
    { region: "cn-beijing", reason: expect.stringMatching(/callbackUrl: contains ","/) },
    { region: "cn-shenzhen", reason: expect.stringMatching(/pulumi config set --secret/) },
  ]);
  expect(JSON.stringify(refused)).not.toContain(TOKEN);
});
