/**
 * The plugin and the dynamic resource keep the same outputs secret: every setting the state records
 * (the stack's key, the previous owner's setting, the setting an unconfirmed write replaced) may
 * hold a key.
 */
import { REPLACED_SETTING } from "../../lib/runtime/ownership";
import { SECRET_SETTING_OUTPUTS } from "../../lib/program/pluginEventCallback";

it("lists every recorded setting among the secret outputs", () => {
  expect([...SECRET_SETTING_OUTPUTS].sort()).toEqual(
    ["authKey", "previousSetting", REPLACED_SETTING].sort(),
  );
});
