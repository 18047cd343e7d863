/** Small readers of the emulator's control surface, shared by the suites. */

/** What the emulator answers for a region nobody configured (its default behaviour). */
export const NEVER_CONFIGURED: Record<string, string> = {
  CallbackType: "",
  CallbackURL: "",
  CallbackQueueName: "",
  EventTypeList: "",
  AuthSwitch: "off",
  AuthKey: "",
};

/** Get and Set totals over all regions (the emulator's own helper, under the name the suites use). */
export { countApiCalls as countCalls } from "pulumi-alicloud-ims-emulator";
