/**
 * The regions the emulator serves, one endpoint each.
 *
 * @packageDocumentation
 */

/**
 * The regions where IMS documents the callback API; the emulator serves one endpoint per region.
 *
 * @example
 * ```ts
 * EMULATOR_REGIONS[2]; // "cn-shanghai"
 * ```
 */
export const EMULATOR_REGIONS = [
  "cn-beijing",
  "cn-hangzhou",
  "cn-shanghai",
  "cn-shenzhen",
  "ap-southeast-1",
  "us-west-1",
] as const;

/** A region from {@link EMULATOR_REGIONS}. */
export type EmulatorRegion = (typeof EMULATOR_REGIONS)[number];
