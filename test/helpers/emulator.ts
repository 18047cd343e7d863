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

/** Sums the emulator's per-action, per-region counters into Get and Set totals. */
export function countCalls(counters: Record<string, Record<string, number>>): { get: number; set: number } {
  const sum = (action: string) => Object.values(counters[action] ?? {}).reduce((a, b) => a + b, 0);
  return { get: sum("GetEventCallback"), set: sum("SetEventCallback") };
}
