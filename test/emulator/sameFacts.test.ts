/**
 * The emulator keeps its own copy of the facts it emulates on purpose (it stands in for the service
 * and must not change when the library's rules do). These tests fail when the two copies part ways,
 * so a deliberate difference has to be written down here.
 */
import { EMULATOR_REGIONS } from "pulumi-alicloud-ims-emulator";
import {
  API_VERSION,
  MAX_AUTH_KEY_LENGTH as EMULATOR_MAX_AUTH_KEY_LENGTH,
  MAX_URL_BYTES,
  QUEUE_PREFIX,
} from "../../packages/emulator/src/ims/api";
import { MAX_QUEUE_NAME_LENGTH as EMULATOR_MAX_QUEUE_NAME_LENGTH } from "../../packages/emulator/src/mns/queues";
import { IMS_SERVICE_ROLE } from "../../packages/emulator/src/ram/state";
import { IMS_API_VERSION } from "../../lib/runtime/imsClient";
import { IMS_SERVICE_ROLE_NAME } from "../../lib/shared/ram";
import { IMS_REGIONS } from "../../lib/shared/regions";
import {
  MAX_AUTH_KEY_LENGTH,
  MAX_CALLBACK_URL_BYTES,
  MAX_QUEUE_NAME_LENGTH,
  QUEUE_NAME_PREFIX,
} from "../../lib/shared/validation";

test("the emulator serves exactly the regions the library documents", () => {
  expect([...EMULATOR_REGIONS].sort()).toEqual([...IMS_REGIONS].sort());
});

test("the emulator answers the API version the library calls", () => {
  expect(API_VERSION).toBe(IMS_API_VERSION);
});

test("the emulator's IMS service role is the role the library authorizes", () => {
  expect(IMS_SERVICE_ROLE).toBe(IMS_SERVICE_ROLE_NAME);
});

test("the emulator requires the queue prefix the library requires", () => {
  expect(QUEUE_PREFIX).toBe(QUEUE_NAME_PREFIX);
});

test("the emulator's queue name limit is the library's", () => {
  expect(EMULATOR_MAX_QUEUE_NAME_LENGTH).toBe(MAX_QUEUE_NAME_LENGTH);
});

test("the emulator's callback URL byte limit is the library's", () => {
  expect(MAX_URL_BYTES).toBe(MAX_CALLBACK_URL_BYTES);
});

test("the emulator's auth key length limit is the library's", () => {
  expect(EMULATOR_MAX_AUTH_KEY_LENGTH).toBe(MAX_AUTH_KEY_LENGTH);
});
