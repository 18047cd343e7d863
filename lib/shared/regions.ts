/**
 * The regions where IMS documents its callback API, and how to reach each one.
 *
 * @packageDocumentation
 */

/**
 * Regions where IMS (API product "ICE") documents SetEventCallback / GetEventCallback.
 *
 * @example
 * ```ts
 * IMS_REGIONS.includes("cn-shanghai"); // true
 * ```
 */
export const IMS_REGIONS = [
  "cn-beijing",
  "cn-hangzhou",
  "cn-shanghai",
  "cn-shenzhen",
  "ap-southeast-1",
  "us-west-1",
] as const;

/** A region from {@link IMS_REGIONS}. */
export type ImsRegion = (typeof IMS_REGIONS)[number];

/**
 * Which network the IMS endpoint is reached through.
 *
 * - `"public"`: `ice.<region>.aliyuncs.com`
 * - `"vpc"`: `ice-vpc.<region>.aliyuncs.com` (from inside an Alibaba Cloud VPC)
 */
export type ImsEndpointType = (typeof IMS_ENDPOINT_TYPES)[number];

/** Every {@link ImsEndpointType}, the default first. */
export const IMS_ENDPOINT_TYPES = ["public", "vpc"] as const;

/**
 * Whether `region` is one of the documented IMS regions.
 *
 * @example
 * ```ts
 * isDocumentedRegion("cn-shanghai"); // true
 * isDocumentedRegion("eu-central-1"); // false
 * ```
 */
export function isDocumentedRegion(region: string): region is ImsRegion {
  return (IMS_REGIONS as readonly string[]).includes(region);
}

/**
 * The IMS API host for a region. Always derived from the region: the SDK's built-in endpoint map
 * sends most regions to the central `ice.aliyuncs.com`, which is not what a regional setting needs.
 *
 * @example
 * ```ts
 * imsEndpointHost("cn-shanghai");        // "ice.cn-shanghai.aliyuncs.com"
 * imsEndpointHost("cn-shanghai", "vpc"); // "ice-vpc.cn-shanghai.aliyuncs.com"
 * ```
 * @param endpointType - defaults to "public"
 */
export function imsEndpointHost(region: string, endpointType: ImsEndpointType = "public"): string {
  return endpointType === "vpc" ? `ice-vpc.${region}.aliyuncs.com` : `ice.${region}.aliyuncs.com`;
}
