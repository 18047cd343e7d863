/**
 * The emulator keeps its own copy of the facts it emulates on purpose (it stands in for the service
 * and must not change when the library's rules do). These tests fail when the two copies part ways,
 * so a deliberate difference has to be written down here.
 */
import { API_VERSION, EMULATOR_REGIONS } from "pulumi-alicloud-ims-emulator";
import { IMS_API_VERSION } from "../../lib/runtime/imsClient";
import { IMS_REGIONS } from "../../lib/shared/regions";

test("the emulator serves exactly the regions the library documents", () => {
  expect([...EMULATOR_REGIONS].sort()).toEqual([...IMS_REGIONS].sort());
});

test("the emulator answers the API version the library calls", () => {
  expect(API_VERSION).toBe(IMS_API_VERSION);
});
